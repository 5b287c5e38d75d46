/**
 * A one-line progress bar on a TTY stream (redrawn with \r); silent when the stream is not a TTY,
 * so logs and pipes only get the JSON lines.
 */
export class ProgressBar {
  private readonly tty: boolean;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
  }

  update(done: number, total: number, text: string): void {
    if (!this.tty) return;
    const width = 30;
    const filled = Math.round((width * done) / Math.max(total, 1));
    this.stream.write(
      `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${text}\x1b[K`,
    );
  }

  /** Ends the bar's line. */
  clear(): void {
    if (this.tty) this.stream.write('\r\x1b[K');
  }
}
