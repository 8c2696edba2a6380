import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useRefresh } from 'react-admin';
import { taskEventStream, type LiveMode, type TaskEvent } from './taskEventStream';

export interface TaskEventsOptions {
  /** Something on screen is unfinished: poll while there is no event stream. */
  active: boolean;
  /** Which events concern this view (default: all). */
  filter?: (event: TaskEvent) => boolean;
  /** What to do on a relevant event or poll tick (default: react-admin's refresh()). */
  onUpdate?: () => void;
  /** Poll period without events, ms. */
  pollMs?: number;
  /** With events, still re-read this often while active (a safety net for missed events), ms. */
  safetyMs?: number;
  /** Events come in bursts (progress): at most one re-read per this many ms. */
  throttleMs?: number;
}

/** Live task updates for a view: SSE events when the gateway has them, else polling while something runs. */
export function useTaskEvents({
  active,
  filter,
  onUpdate,
  pollMs = 2000,
  safetyMs = 15_000,
  throttleMs = 500,
}: TaskEventsOptions): LiveMode {
  const refresh = useRefresh();
  const mode = useSyncExternalStore(taskEventStream.onModeChange, taskEventStream.getMode);
  const latest = useRef({ filter, update: onUpdate ?? refresh, throttleMs });
  latest.current = { filter, update: onUpdate ?? refresh, throttleMs };

  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = taskEventStream.subscribe((event) => {
      if (latest.current.filter && !latest.current.filter(event)) return;
      pending ??= setTimeout(() => {
        pending = null;
        latest.current.update();
      }, latest.current.throttleMs);
    });
    return () => {
      unsubscribe();
      if (pending) clearTimeout(pending);
    };
  }, []);

  useEffect(() => {
    if (!active || mode === 'connecting') return;
    const timer = setInterval(() => latest.current.update(), mode === 'live' ? safetyMs : pollMs);
    return () => clearInterval(timer);
  }, [active, mode, pollMs, safetyMs]);

  return mode;
}
