/**
 * The headers of a message OO publishes. nats.js's `append` canonicalises the key, lists and filters
 * the keys already there and runs a regex on the value, for every header: ~0.5 µs each, and an OO
 * message carries 6–9. The publisher writes each of its keys once, and they are constants of
 * `contracts` (valid names), so `put` only checks the value for CR and LF — what would let a value
 * forge another header — and trims it as nats.js does (`Nats-Msg-Id` and the last-sequence
 * expectation too: jetstream-publish.ts sends what it is given). `set` and `append` keep nats.js's
 * own checks.
 */
import { MsgHdrsImpl } from '@nats-io/nats-core/internal';
import { OoError } from '@oo/contracts';

export class OutgoingHeaders extends MsgHdrsImpl {
  /** Adds `key` (a constant of contracts, not yet present) with `value`. */
  put(key: string, value: string): void {
    if (value.includes('\r') || value.includes('\n')) {
      throw new OoError('OO_ERR_MSG_SCHEMA', `header ${key} cannot hold CR or LF`);
    }
    this.headers.set(key, [value.trim()]);
  }

  /** Buffer.from, not TextEncoder: about 3x faster for short strings on Node 20. */
  override encode(): Uint8Array {
    return Buffer.from(this.toString());
  }
}
