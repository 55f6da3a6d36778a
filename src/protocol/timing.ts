/** Protocol timing in virtual (or real) milliseconds. */
export interface Timing {
  /** An idle primary sends Commit this often (§4.1 step 6). */
  readonly heartbeatMs: number;
  /** A backup that hears nothing from its primary for this long starts a view change (§4.2). */
  readonly viewChangeTimeoutMs: number;
  /** Resend interval for unacknowledged prepares, view-change messages and state requests. */
  readonly prepareRetryMs: number;
  /** A recovering replica resends Recovery with a fresh nonce this often (§4.3). */
  readonly recoveryRetryMs: number;
  /** A client with no reply resends its request to every replica this often (§4.1). */
  readonly clientRetryMs: number;
}

export const defaultTiming: Timing = {
  heartbeatMs: 100,
  viewChangeTimeoutMs: 500,
  prepareRetryMs: 200,
  recoveryRetryMs: 300,
  clientRetryMs: 700,
};
