import { Presets, SingleBar } from 'cli-progress';

/** Long work's progress: a bar on a terminal, a plain line every tenth of the way otherwise (CI logs, pipes). */
export interface Progress {
  /** Starts a stage of `total` units (rows, tasks, requests, steps). */
  start(label: string, total: number): void;
  /** `n` more units done. */
  advance(n?: number): void;
  stop(): void;
}

export function progress(stream: NodeJS.WriteStream = process.stderr, options: { plain?: boolean } = {}): Progress {
  if (stream.isTTY) return new TerminalBar(stream);
  return options.plain === false ? new Silent() : new PlainLines(stream);
}

/** For work that logs its own lines when not at a terminal. */
class Silent implements Progress {
  start(): void {}
  advance(): void {}
  stop(): void {}
}

class TerminalBar implements Progress {
  private bar?: SingleBar;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  start(label: string, total: number): void {
    this.stop();
    this.bar = new SingleBar(
      { stream: this.stream, format: `${label.padEnd(24)} {bar} {percentage}% | {value}/{total} | {duration_formatted}`, hideCursor: true },
      Presets.shades_classic,
    );
    this.bar.start(Math.max(total, 1), 0);
    if (total === 0) this.bar.update(1);
  }

  advance(n = 1): void {
    this.bar?.increment(n);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

class PlainLines implements Progress {
  private label = '';
  private total = 0;
  private done = 0;
  private shownTenths = -1;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  start(label: string, total: number): void {
    this.stop();
    this.label = label;
    this.total = total;
    this.done = 0;
    this.shownTenths = -1;
    this.show();
  }

  advance(n = 1): void {
    this.done += n;
    this.show();
  }

  stop(): void {
    this.label = '';
  }

  private show(): void {
    if (!this.label) return;
    const tenths = this.total ? Math.floor((10 * Math.min(this.done, this.total)) / this.total) : 10;
    if (tenths === this.shownTenths) return;
    this.shownTenths = tenths;
    this.stream.write(`${this.label}: ${this.done.toLocaleString('en')}/${this.total.toLocaleString('en')} (${tenths * 10}%)\n`);
  }
}
