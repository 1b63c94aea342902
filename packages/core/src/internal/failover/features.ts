import { AnymailUnsupportedFeature } from "../../errors.js";
import { checkFeatures, STANDARD_FEATURE_ORDER } from "../../features.js";
import type { PreparedMessage } from "../../prepared.js";
import type { FeatureSupport, Provider } from "../../provider.js";

/**
 * Why `provider` can't carry `message` as it is, or undefined when it can.
 */
export function featureRefusal(
  provider: Pick<Provider, "name" | "features">,
  message: PreparedMessage,
): AnymailUnsupportedFeature | undefined {
  try {
    checkFeatures(provider, message);
    return undefined;
  } catch (error) {
    if (error instanceof AnymailUnsupportedFeature) return error;
    throw error;
  }
}

/**
 * The feature table of a failover: a standard field is unsupported only when no member
 * supports it, and one quirk refuses a message that no member can carry, so core's check
 * still runs before any HTTP call. The quirk sees core's header-merged view of the
 * message, which may show `headers` set where only `mergeHeaders` is; it leaves `headers`
 * to the exact check each send makes per member, so it never refuses a message a member
 * could carry.
 */
export function combinedFeatures(members: readonly Provider[]): FeatureSupport {
  const unsupported = STANDARD_FEATURE_ORDER.filter((feature) =>
    members.every((member) => member.features.unsupported.includes(feature)),
  );
  const lenient = members.map((member) => ({
    name: member.name,
    features: {
      unsupported: member.features.unsupported.filter((feature) => feature !== "headers"),
      quirks: member.features.quirks,
    },
  }));
  const refusals = (message: PreparedMessage) =>
    lenient.map((member) => featureRefusal(member, message));
  return {
    unsupported,
    quirks: [
      {
        feature: "this message with any of its providers",
        description: "Refused when no provider of the failover can carry the message.",
        when: (message) => refusals(message).every((refusal) => refusal !== undefined),
        describe: (message) =>
          `this message with any of its providers (${refusals(message)
            .map((refusal, index) => `${lenient[index]!.name}: ${refusal?.feature ?? "ok"}`)
            .join("; ")})`,
      },
    ],
  };
}
