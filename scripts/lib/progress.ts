// Progress output for long CLIs: one line per finished stage with counts and timing; on a TTY a live bar while a
// stage waits on something countable.
const tty = process.stdout.isTTY === true;

export class Progress {
  private started = performance.now();
  private barShown = false;
  private ticker: ReturnType<typeof setInterval> | undefined;
  /** The stage started last and not yet done, if any. */
  stage: string | undefined;

  start(stage: string): void {
    this.started = performance.now();
    this.stage = stage;
  }

  /** While a stage waits on nothing countable (the worker starting), its seconds so far, redrawn (TTY only). */
  ticking(label: string): void {
    if (!tty) return;
    this.stopTicking();
    const started = performance.now();
    this.ticker = setInterval(() => {
      process.stdout.write(`\r  ${label.padEnd(10)} ${Math.round((performance.now() - started) / 1000)} s `);
      this.barShown = true;
    }, 1000);
    this.ticker.unref();
  }

  private stopTicking(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** Redraws the bar in place (TTY only). */
  bar(label: string, done: number, total: number): void {
    this.stopTicking();
    if (!tty || total <= 0) return;
    const width = 24;
    const filled = Math.round((Math.min(done, total) / total) * width);
    process.stdout.write(`\r  ${label.padEnd(10)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} `);
    this.barShown = true;
  }

  /** Ends the stage with a check mark line; returns its duration in seconds. */
  done(stage: string, detail: string): number {
    this.stopTicking();
    const seconds = (performance.now() - this.started) / 1000;
    if (this.barShown) process.stdout.write('\r\x1b[K');
    this.barShown = false;
    this.stage = undefined;
    console.log(`✓ ${stage.padEnd(10)} ${detail.padEnd(64)} ${seconds.toFixed(1).padStart(5)} s`);
    return seconds;
  }

  fail(stage: string, message: string): void {
    this.stopTicking();
    if (this.barShown) process.stdout.write('\r\x1b[K');
    console.error(`✗ ${stage.padEnd(10)} ${message}`);
  }
}
