import { session } from '../api/session';

/** A task change as the gateway announces it (small: the console re-reads the rest). */
export interface TaskEvent {
  id: number;
  user_id: number;
  channel_id: number;
  mj_id: string;
  action: string;
  status: string;
  progress: string;
  at: number;
}

/** `live`: events arrive over SSE; `polling`: no event stream (yet), views poll; `connecting`: deciding. */
export type LiveMode = 'connecting' | 'live' | 'polling';

/** Whether the contract the console was built against has the event routes (set by vite.config.ts). */
declare const __TASK_EVENTS__: boolean;
const CONTRACT_HAS_EVENTS = typeof __TASK_EVENTS__ === 'boolean' ? __TASK_EVENTS__ : true;

/**
 * One EventSource for the whole console: `POST /api/mj/events/ticket` → `{ticket}`, then
 * `GET /api/mj/events?ticket=…` (EventSource cannot send an Authorization header). A 404 means the gateway has no
 * event stream: the console polls instead. A dropped stream falls back to polling until it reconnects.
 */
class TaskEventStream {
  private mode: LiveMode = CONTRACT_HAS_EVENTS ? 'connecting' : 'polling';
  private readonly listeners = new Set<(event: TaskEvent) => void>();
  private readonly modeListeners = new Set<() => void>();
  private source: EventSource | null = null;
  private started = false;
  private unavailable = !CONTRACT_HAS_EVENTS;
  private retryMs = 2000;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  getMode = (): LiveMode => this.mode;

  onModeChange = (listener: () => void): (() => void) => {
    this.modeListeners.add(listener);
    return () => this.modeListeners.delete(listener);
  };

  subscribe(listener: (event: TaskEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.started && !this.unavailable) {
      this.started = true;
      void this.connect();
    }
    return () => this.listeners.delete(listener);
  }

  /** On logout: a new session needs a new ticket. */
  close(): void {
    this.source?.close();
    this.source = null;
    this.started = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (!this.unavailable) this.setMode('connecting');
  }

  private setMode(mode: LiveMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.modeListeners.forEach((listener) => listener());
  }

  private async connect(): Promise<void> {
    const token = session.get()?.token;
    if (!token) return this.retryLater();
    let ticket: string | undefined;
    try {
      const response = await fetch('/api/mj/events/ticket', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
      if (response.status === 404 || response.status === 405) {
        this.unavailable = true;
        return this.setMode('polling');
      }
      if (!response.ok) return this.retryLater();
      const body = (await response.json()) as { data?: { ticket?: string }; ticket?: string };
      ticket = body.data?.ticket ?? body.ticket;
    } catch {
      return this.retryLater();
    }
    if (!ticket) return this.retryLater();
    const source = new EventSource(`/api/mj/events?ticket=${encodeURIComponent(ticket)}`);
    this.source = source;
    source.onopen = () => {
      this.retryMs = 2000;
      this.setMode('live');
    };
    const receive = (message: MessageEvent<string>) => {
      try {
        const payload = JSON.parse(message.data) as TaskEvent | TaskEvent[] | { events: TaskEvent[] };
        const events = Array.isArray(payload) ? payload : 'events' in payload ? payload.events : [payload];
        for (const event of events) this.listeners.forEach((listener) => listener(event));
      } catch {
        // keep-alives and unknown messages
      }
    };
    source.onmessage = receive;
    source.addEventListener('task', receive as EventListener);
    source.onerror = () => {
      // Tickets are single-use: drop this source and start over with a fresh ticket; poll meanwhile.
      source.close();
      if (this.source === source) this.source = null;
      this.retryLater();
    };
  }

  private retryLater(): void {
    this.setMode('polling');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.listeners.size) void this.connect();
      else this.started = false;
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
  }
}

export const taskEventStream = new TaskEventStream();
