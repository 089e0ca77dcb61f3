/** One entry of the error registry. */
export interface ErrorSpec {
  readonly meaning: string;
  readonly retryable: boolean;
  /** HTTP status where the error reaches HTTP. */
  readonly http?: number;
  readonly fix: string;
}
