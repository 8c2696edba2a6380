import { ConfigError, optionsFromEnv, startSimulator } from '@app/mj-simulator';

/** `npm run simulator`: reads SIM_* from the environment, starts, logs the URL, stops on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let options;
  try {
    options = optionsFromEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`mj-simulator: invalid ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const simulator = await startSimulator(options);
  const { taskMs, faults, modes, secret } = options;
  console.log(
    `mj-simulator listening on ${simulator.url} (taskMs=${taskMs ?? 8000}, auth=${secret ? 'on' : 'off'}, modes=${modes?.join(',') || 'none'}, faults=${faults || 'none'})`,
  );
  const stop = (): void => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('mj-simulator failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
