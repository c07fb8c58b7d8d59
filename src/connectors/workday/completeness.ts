/**
 * Whether an export held every worker, so the pipeline may mark workers missing from it as deleted.
 * Not when any worker file failed or rejected a row (that worker would look missing), not when there
 * was no worker file at all, and not when REST pages hold fewer workers than their `total` says
 * (a single `GET /workers` page of a longer list, like the sample workers.json: total 4, one worker).
 */
export class Completeness {
  private workerFiles = 0
  private failed = false
  private restRows = 0
  private restTotal: number | undefined
  private restTotalUnknown = false

  /** A file with worker records started. */
  workerFile(): void {
    this.workerFiles++
  }

  /** A file failed, or a row of it was rejected. */
  fail(): void {
    this.failed = true
  }

  /** A REST page: how many workers it held and the `total` it states ('unreadable' when it could not be read). */
  restPage(rows: number, total: number | 'absent' | 'unreadable'): void {
    this.restRows += rows
    if (total === 'unreadable') this.restTotalUnknown = true
    else if (total !== 'absent') this.restTotal = Math.max(this.restTotal ?? 0, total)
  }

  isComplete(): boolean {
    if (this.workerFiles === 0 || this.failed || this.restTotalUnknown) return false
    return this.restTotal === undefined || this.restRows >= this.restTotal
  }
}
