// The rows of an import as they pass validation, for a register that writes while the rest of the
// file is still being checked (importStream): the database writes the first batches while Node
// validates the next ones, instead of one waiting for the other. The file stays all or nothing:
// the writes share one transaction, and a problem found later stops the feed, so the writer
// throws FeedStopped and the engine rolls everything back and reports every problem.

/** Thrown to a writer waiting on a feed whose file turned out to have problems. */
export class FeedStopped extends Error {
  override name = 'FeedStopped'
}

export class RowFeed<R> {
  /** The valid rows so far, in file order (the array grows while the writer reads it). */
  readonly rows: R[] = []
  /** Each row's spreadsheet row number (the header is row 1). */
  readonly rowNumbers: number[] = []
  private ended = false
  private stopped = false
  private waiters: (() => void)[] = []

  /** A feed of rows already complete (a REST create, an import validated before writing). */
  static of<R>(rows: readonly R[], rowNumbers: readonly number[]): RowFeed<R> {
    const feed = new RowFeed<R>()
    rows.forEach((row, i) => feed.push(row, rowNumbers[i] ?? i + 2))
    feed.end()
    return feed
  }

  push(row: R, rowNumber: number): void {
    this.rows.push(row)
    this.rowNumbers.push(rowNumber)
  }

  /** Lets waiting writers see the rows pushed since they waited (the validator calls it per chunk). */
  flush(): void {
    const waiting = this.waiters
    this.waiters = []
    for (const wake of waiting) wake()
  }

  /** Every row is in. */
  end(): void {
    this.ended = true
    this.flush()
  }

  /** The file has problems: whatever was written goes back. */
  stop(): void {
    this.stopped = true
    this.flush()
  }

  /** Resolves with min(n, rows there) once n rows are there or the file has ended. */
  async until(n: number): Promise<number> {
    while (!this.stopped && !this.ended && this.rows.length < n) await new Promise<void>((resolve) => this.waiters.push(resolve))
    if (this.stopped) throw new FeedStopped('the file has problems: nothing is written')
    return Math.min(n, this.rows.length)
  }
}
