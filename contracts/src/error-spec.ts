/** One entry of the error registry. */
export interface ErrorSpec {
  readonly meaning: string;
  readonly retryable: boolean;
  /** HTTP status where the error reaches HTTP. */
  readonly http?: number;
  readonly fix: string;
  /**
   * The request itself is not allowed (it breaks the policy, or cannot be given what it asks for),
   * as opposed to something having broken: a run failing with this code ends its request
   * `rejected`, with the error's `details.reasons`, instead of `failed`.
   */
  readonly rejects?: true;
}
