import {
  AnymailAPIError,
  AnymailConfigurationError,
  type AnymailError,
  AnymailUnsupportedFeature,
  type FailoverAttempt,
  isAnymailError,
} from "./errors.js";
import { checkFeatures } from "./features.js";
import {
  CircuitBreaker,
  type CircuitPermit,
  type CircuitState,
} from "./internal/failover/breaker.js";
import { classifyFailure } from "./internal/failover/classify.js";
import { combinedFeatures, featureRefusal } from "./internal/failover/features.js";
import { sendParts } from "./internal/send/send-parts.js";
import type { PreparedMessage } from "./prepared.js";
import type { Provider, SendContext } from "./provider.js";
import type { SecretRedaction } from "./redact.js";
import type { SendResult } from "./result.js";

export type { CircuitState } from "./internal/failover/breaker.js";

/**
 * Options of {@link failover}.
 *
 * @example
 * ```ts
 * const options: FailoverOptions = { failureThreshold: 3, cooldownMs: 30_000, onAmbiguous: "retry" };
 * ```
 */
export interface FailoverOptions {
  /** Consecutive not-accepted failures that open a provider's circuit. Default 3. */
  failureThreshold?: number;
  /** How long an open circuit skips its provider before one send probes it. Default 30 000. */
  cooldownMs?: number;
  /**
   * After an ambiguous failure (the request was written, no answer came): `"retry"` (default)
   * binds the send to that provider, retried with the same idempotency key; `"failover"`
   * moves on to the next provider, which **may send the message twice** (reported in
   * `result.attempts`).
   */
  onAmbiguous?: "retry" | "failover";
  /**
   * For a member that splits sends inside its own `send` without declaring `split`: a
   * batch message with more recipients than this may take several API calls, so a failure
   * can't prove earlier calls weren't accepted and is treated as ambiguous. Default 100.
   * Members that declare `split` (every provider anymail ships) are exact instead: failover
   * sends their parts in order, and a failure after a part was accepted is thrown as
   * `AnymailPartialSend` without trying another provider.
   */
  maxSingleCallRecipients?: number;
  /** Name in errors and logs. Default `failover(<member names>)`. */
  name?: string;
  /** Clock for the circuit breakers, for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * A member's circuit breaker, as {@link FailoverProvider.circuits} reports it.
 *
 * @example
 * ```ts
 * const [primary]: FailoverCircuit[] = provider.circuits();
 * primary?.state; // "open"
 * ```
 */
export interface FailoverCircuit {
  readonly provider: string;
  readonly state: CircuitState;
  readonly consecutiveFailures: number;
  /** Epoch ms when an open circuit lets its next probe through. */
  readonly retryAt?: number;
}

/**
 * The provider {@link failover} returns: a `Provider` plus its members and their circuits.
 *
 * @example
 * ```ts
 * const provider: FailoverProvider = failover([resend(), postmark()]);
 * provider.circuits().map((c) => `${c.provider}: ${c.state}`); // ["Resend: closed", "Postmark: closed"]
 * ```
 */
export interface FailoverProvider extends Provider {
  readonly providers: readonly Provider[];
  /** The state of each member's circuit breaker, in member order. */
  circuits(): FailoverCircuit[];
}

/** How long a binding to a provider after an ambiguous failure outlives the send's deadline. */
const PIN_GRACE_MS = 60_000;

/**
 * A provider that sends through the first of `providers` able to accept the message, and
 * moves to the next only when a failure proves the message was not accepted: the
 * connection never opened (refused, DNS, TLS), or the ESP answered with an error (5xx, 429,
 * auth, quota, validation). A failure after the request was written (reset, timeout) is
 * ambiguous: the send stays on that provider and is retried there with the same
 * idempotency key (only if it de-duplicates by key), unless `onAmbiguous: "failover"`.
 * Providers whose feature table can't carry the message are skipped, and each has a
 * circuit breaker: after `failureThreshold` consecutive not-accepted failures it is skipped
 * for `cooldownMs`, then one send probes it. When no provider accepts, the error is an
 * `AnymailAPIError` whose `attempts` say why each was passed over.
 *
 * Within one attempt of the mailer's retry loop each provider is tried once, so a
 * retryable failure moves to the next provider at once instead of waiting out backoffs;
 * the mailer's retries then go around the whole list again.
 *
 * @example
 * ```ts
 * import { createMailer, failover } from "@anymail/core";
 * import { postmark } from "@anymail/postmark";
 * import { resend } from "@anymail/resend";
 *
 * const mailer = createMailer({ provider: failover([resend(), postmark()], { cooldownMs: 30_000 }) });
 * const result = await mailer.send({ from: "shop@example.com", to: "ana@example.org", subject: "Hi", text: "Hello" });
 * result.provider; // "Resend", or "Postmark" when Resend provably did not accept it
 * ```
 */
export function failover(
  providers: readonly Provider[],
  options: FailoverOptions = {},
): FailoverProvider {
  const members = validateMembers(providers);
  const failureThreshold = options.failureThreshold ?? 3;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const onAmbiguous = options.onAmbiguous ?? "retry";
  const maxSingleCallRecipients = options.maxSingleCallRecipients ?? 100;
  const now = options.now ?? Date.now;
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
    throw new AnymailConfigurationError(
      `failover() failureThreshold must be a whole number of at least 1, got ${failureThreshold}`,
    );
  }
  if (!(cooldownMs >= 0)) {
    throw new AnymailConfigurationError(
      `failover() cooldownMs must be a non-negative number, got ${cooldownMs}`,
    );
  }
  if (onAmbiguous !== "retry" && onAmbiguous !== "failover") {
    throw new AnymailConfigurationError(
      `failover() onAmbiguous must be "retry" or "failover", got ${String(onAmbiguous)}`,
    );
  }
  if (!Number.isInteger(maxSingleCallRecipients) || maxSingleCallRecipients < 1) {
    throw new AnymailConfigurationError(
      `failover() maxSingleCallRecipients must be a whole number of at least 1, got ${maxSingleCallRecipients}`,
    );
  }
  const name = options.name ?? `failover(${members.map((m) => m.name).join(", ")})`;
  const breakers = members.map(() => new CircuitBreaker(failureThreshold, cooldownMs, now));
  // Sends bound to one member after an ambiguous failure, by idempotency key; in-process only.
  const pins = new Map<string, { index: number; expires: number }>();

  function prunePins(at: number) {
    for (const [key, pin] of pins) if (pin.expires <= at) pins.delete(key);
  }

  async function send(message: PreparedMessage, context: SendContext): Promise<SendResult> {
    prunePins(Date.now());
    const attempts: FailoverAttempt[] = [];
    const pinned = pins.get(context.idempotencyKey)?.index;
    const considered = (index: number) => pinned === undefined || pinned === index;
    const carriers: (PreparedMessage | AnymailUnsupportedFeature | undefined)[] = members.map(
      (member, index) =>
        considered(index) ? (featureRefusal(member, message) ?? message) : undefined,
    );
    if (!carriers.includes(message)) {
      if (context.ignoreUnsupportedFeatures === true) {
        // No member carries all of it: like a single provider, each sends what it can.
        for (const [index, member] of members.entries()) {
          if (!considered(index)) continue;
          carriers[index] = checkFeatures(member, message, { ignoreUnsupportedFeatures: true });
        }
      } else if (pinned === undefined) {
        throw noCarrier(name, members, carriers as AnymailUnsupportedFeature[]);
      }
    }

    let lastError: AnymailError | undefined;
    for (const [index, member] of members.entries()) {
      const carried = carriers[index];
      if (pinned !== undefined && pinned !== index) {
        attempts.push({
          provider: member.name,
          outcome: "not_tried",
          reason: `the send is bound to ${members[pinned]!.name} after an ambiguous failure; another provider may send it twice`,
        });
        continue;
      }
      if (carried instanceof AnymailUnsupportedFeature) {
        attempts.push({
          provider: member.name,
          outcome: "unsupported",
          reason: carried.message,
          error: carried,
        });
        continue;
      }
      // Past the send's deadline the mailer has already given up: start nothing new.
      if (context.signal.aborted) break;
      const breaker = breakers[index]!;
      // A bound send goes to its provider whatever the circuit says: nowhere else is safe.
      const permit: CircuitPermit | undefined = pinned === index ? "closed" : breaker.acquire();
      if (permit === undefined) {
        attempts.push({
          provider: member.name,
          outcome: "circuit_open",
          reason: breaker.describeRefusal(),
        });
        continue;
      }
      try {
        const result = await sendThrough(member, carried!, memberContext(context, member.name));
        breaker.success();
        pins.delete(context.idempotencyKey);
        const accepted: SendResult = { ...result, provider: member.name };
        if (attempts.length > 0) accepted.attempts = attempts;
        if (attempts.some((a) => a.outcome === "ambiguous")) {
          context.logger?.({
            level: "warn",
            message:
              "failover: sent after an ambiguous failure; the message may have been sent twice",
            acceptedBy: member.name,
            attempts: attempts.map(({ provider, outcome, reason }) => ({
              provider,
              outcome,
              reason,
            })),
          });
        }
        return accepted;
      } catch (caught) {
        if (isAnymailError(caught, "partial_send")) {
          // Part of it was accepted: neither another provider nor a retry may send it again.
          breaker.release(permit);
          throw caught;
        }
        const failure = classifyFailure(
          caught,
          member.name,
          carried!,
          // A member that declares its split sends later calls only after the first succeeded.
          member.split === undefined ? maxSingleCallRecipients : Number.POSITIVE_INFINITY,
        );
        lastError = failure.error;
        attempts.push({
          provider: member.name,
          outcome: failure.class,
          reason: failure.reason,
          error: failure.error,
        });
        if (failure.class === "not_accepted" && failure.health) breaker.failure(permit);
        else breaker.release(permit);
        context.logger?.({
          level: "warn",
          message: `failover: ${member.name} ${failure.class === "ambiguous" ? "failed ambiguously" : "did not accept the message"}`,
          member: member.name,
          reason: failure.reason,
        });
        if (pinned === index) {
          throw summarize(name, attempts, failure.error, member.idempotent === true, now);
        }
        if (failure.class === "ambiguous" && onAmbiguous === "retry") {
          pins.set(context.idempotencyKey, {
            index,
            expires: Math.max(context.deadline, Date.now()) + PIN_GRACE_MS,
          });
          for (const other of members.slice(index + 1)) {
            attempts.push({
              provider: other.name,
              outcome: "not_tried",
              reason: `${member.name} may have accepted the message; another provider may send it twice`,
            });
          }
          throw summarize(name, attempts, failure.error, member.idempotent === true, now);
        }
      }
    }
    throw summarize(name, attempts, lastError, true, now, breakers);
  }

  return {
    name,
    providers: members,
    features: combinedFeatures(members),
    // failover() decides itself which of its failures are safe to retry (see summarize).
    idempotent: true,
    redaction: mergeRedactions(members),
    send,
    circuits: () =>
      members.map((member, index) => {
        const breaker = breakers[index]!;
        const circuit: FailoverCircuit = {
          provider: member.name,
          state: breaker.state,
          consecutiveFailures: breaker.consecutiveFailures,
          ...(breaker.retryAt !== undefined && { retryAt: breaker.retryAt }),
        };
        return circuit;
      }),
    async close() {
      const results = await Promise.allSettled(members.map((member) => member.close?.()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    },
  };
}

function validateMembers(providers: readonly Provider[]): Provider[] {
  if (!Array.isArray(providers) || providers.length === 0) {
    throw new AnymailConfigurationError("failover() needs a list of at least one provider");
  }
  const seen = new Set<string>();
  for (const provider of providers) {
    if (typeof provider?.send !== "function" || typeof provider.name !== "string") {
      throw new AnymailConfigurationError("failover() providers need a name and a send()");
    }
    if (seen.has(provider.name)) {
      throw new AnymailConfigurationError(
        `failover() providers need distinct names, two are called "${provider.name}": give one another name, e.g. { ...provider, name: "${provider.name} EU" }`,
      );
    }
    seen.add(provider.name);
  }
  return [...providers];
}

/**
 * One member's send: a split send's parts go in order, one attempt each (failover itself
 * moves on rather than waiting out retries), through the same runner as the mailer's.
 */
function sendThrough(
  member: Provider,
  message: PreparedMessage,
  context: SendContext,
): Promise<SendResult> {
  const parts = member.split?.(message);
  if (parts === undefined || parts.length <= 1) return member.send(parts?.[0] ?? message, context);
  return sendParts(
    member.name,
    parts,
    context.idempotencyKey,
    (part, idempotencyKey) => member.send(part, { ...context, idempotencyKey }),
    () => context.signal.aborted,
  );
}

/** The member sees the send's context; its log records say which member wrote them. */
function memberContext(context: SendContext, member: string): SendContext {
  const { logger } = context;
  if (logger === undefined) return context;
  return { ...context, logger: (record) => logger({ ...record, member }) };
}

function noCarrier(
  name: string,
  members: readonly Provider[],
  refusals: readonly AnymailUnsupportedFeature[],
): AnymailUnsupportedFeature {
  const detail = refusals.map((r, i) => `${members[i]!.name}: ${r.feature}`).join("; ");
  return new AnymailUnsupportedFeature(name, `this message with any of its providers (${detail})`);
}

/**
 * The error of a send no member accepted. It is retryable only when retrying can't send
 * twice: after an ambiguous failure only on a provider that de-duplicates by key (and the
 * retry is bound to it); otherwise when some not-accepted failure was retryable or some
 * circuit will let a probe through later.
 */
function summarize(
  name: string,
  attempts: readonly FailoverAttempt[],
  last: AnymailError | undefined,
  idempotentIfAmbiguous: boolean,
  now: () => number,
  breakers?: readonly CircuitBreaker[],
): AnymailAPIError {
  const lastApi = last instanceof AnymailAPIError ? last : undefined;
  const ambiguous = attempts.some((a) => a.outcome === "ambiguous");
  const tried = attempts.filter((a) => a.outcome === "not_accepted" || a.outcome === "ambiguous");
  const circuitOpen = attempts.some((a) => a.outcome === "circuit_open");
  let retryable: boolean;
  if (ambiguous && breakers === undefined) {
    retryable = idempotentIfAmbiguous && (lastApi?.retryable ?? false);
  } else {
    retryable =
      circuitOpen || tried.some((a) => a.error instanceof AnymailAPIError && a.error.retryable);
  }
  const retryAt = breakers
    ?.map((b) => b.retryAt)
    .filter((at): at is number => at !== undefined)
    .sort((a, b) => a - b)[0];
  const retryAfterMs =
    lastApi?.retryAfterMs ??
    (tried.length === 0 && retryAt !== undefined ? Math.max(0, retryAt - now()) : undefined);
  const summary = attempts.map((a) => `${a.provider}: ${a.outcome} (${a.reason})`).join("; ");
  return new AnymailAPIError(`${name}: no provider accepted the message. ${summary}`, {
    provider: name,
    // No API error: nothing was written anywhere, unless a foreign error left it unknown.
    kind: lastApi?.kind ?? (ambiguous ? "network" : "connect"),
    retryable,
    attempts,
    ...(last !== undefined && { cause: last }),
    ...(lastApi?.statusCode !== undefined && { statusCode: lastApi.statusCode }),
    ...(lastApi?.response !== undefined && { response: lastApi.response }),
    ...(lastApi?.providerCode !== undefined && { providerCode: lastApi.providerCode }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}

function mergeRedactions(members: readonly Provider[]): SecretRedaction | undefined {
  const parts = members.map((m) => m.redaction).filter((r): r is SecretRedaction => r != null);
  if (parts.length === 0) return undefined;
  return {
    keys: parts.flatMap((r) => r.keys ?? []),
    patterns: parts.flatMap((r) => r.patterns ?? []),
    values: parts.flatMap((r) => r.values ?? []),
  };
}
