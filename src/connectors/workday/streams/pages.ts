import type { StreamPage } from '../../api-contract.ts'
import type { ApiLocation, ExportItem, RawRecord, RejectedInput, SourceLocation } from '../../types.ts'

/**
 * Collects the records and rejects of one landed page. Export readers locate a row by file and JSON
 * path; an API page locates it by endpoint and page number (the JSON path stays in a reject's message).
 */
export class PageBuilder {
  private records: RawRecord<ApiLocation>[] = []
  private rejects: RejectedInput<ApiLocation>[] = []
  private number = 1
  /** Rejects in this read so far: a read with any is no complete read of the workers. */
  rejected = 0

  private readonly endpoint: string
  private readonly size: number

  constructor(endpoint: string, size: number) {
    this.endpoint = endpoint
    this.size = size
  }

  get location(): ApiLocation {
    return { endpoint: this.endpoint, page: this.number }
  }

  get full(): boolean {
    return this.records.length + this.rejects.length >= this.size
  }

  get empty(): boolean {
    return this.records.length + this.rejects.length === 0
  }

  add(item: ExportItem): void {
    if (item.type === 'record') this.records.push({ ...item.record, provenance: this.location })
    else if (item.type === 'reject') this.reject(item.reject)
  }

  reject(reject: RejectedInput<SourceLocation>): void {
    this.rejected++
    this.rejects.push({ ...reject, location: this.location })
  }

  take<Cursor>(cursor: Cursor, complete?: string[]): StreamPage<Cursor> {
    const page: StreamPage<Cursor> = { records: this.records, cursor }
    if (this.rejects.length > 0) page.rejects = this.rejects
    if (complete !== undefined && complete.length > 0) page.complete = complete
    this.records = []
    this.rejects = []
    this.number++
    return page
  }
}
