// Progress output for long CLIs: one line per finished stage with counts and timing; on a TTY a live bar while a
// stage waits on something countable.
const tty = process.stdout.isTTY === true;

export class Progress {
  private started = performance.now();
  private barShown = false;
  /** The stage started last and not yet done, if any. */
  stage: string | undefined;

  start(stage: string): void {
    this.started = performance.now();
    this.stage = stage;
  }

  /** Redraws the bar in place (TTY only). */
  bar(label: string, done: number, total: number): void {
    if (!tty || total <= 0) return;
    const width = 24;
    const filled = Math.round((Math.min(done, total) / total) * width);
    process.stdout.write(`\r  ${label.padEnd(10)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} `);
    this.barShown = true;
  }

  /** Ends the stage with a check mark line; returns its duration in seconds. */
  done(stage: string, detail: string): number {
    const seconds = (performance.now() - this.started) / 1000;
    if (this.barShown) process.stdout.write('\r\x1b[K');
    this.barShown = false;
    this.stage = undefined;
    console.log(`✓ ${stage.padEnd(10)} ${detail.padEnd(64)} ${seconds.toFixed(1).padStart(5)} s`);
    return seconds;
  }

  fail(stage: string, message: string): void {
    if (this.barShown) process.stdout.write('\r\x1b[K');
    console.error(`✗ ${stage.padEnd(10)} ${message}`);
  }
}
