export { startSimulator } from './simulator';
export type { RouteStats, SimulatorHandle, SimulatorOptions, SimulatorStats } from './simulator';
export { ConfigError, optionsFromEnv } from './config';
export { SIM_MODES, type SimMode } from './modes';
export { parseFaults, type FaultSpec } from './faults';
