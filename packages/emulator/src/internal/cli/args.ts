import { EmulatorError } from "../../errors.js";
import type { Personality } from "../../personalities/personality.js";
import { PROVIDER_NAMES, type ProviderName, personalityFor } from "../../personalities/registry.js";
import type { EmulatorOptions, WebhookEndpointConfig } from "../../types.js";
import { eventTypesOf } from "../lifecycle/event-kinds.js";

export function usage(bin: string): string {
  return `Usage: ${bin} [options]

A local ESP API (${PROVIDER_NAMES.join(", ")}) for development and tests.

Options:
  --provider <name>        ESP to behave like: ${PROVIDER_NAMES.join(", ")} (default resend)
  --port <n>               Port to listen on (default 3025; 0 picks a free one)
  --host <host>            Interface to bind (default 127.0.0.1)
  --webhook <url[,secret][,event…]>
                           Deliver webhooks to <url>; repeatable. The secret is generated when
                           none is given; listed event types (e.g. email.delivered) restrict
                           what this endpoint receives. Basic auth goes in the URL.
  --api-key <key>          Accept only this API key; repeatable (default: any well-formed key)
  --rate-limit <n|off>     Requests per second per API key (default 5)
  --daily-quota <n>        Emails per API key per day (default unlimited)
  --delivery-delay <ms>    Delay between the sent and delivered events (default 20)
  --require-user-agent     Answer 403 when User-Agent is missing, like Resend
  --seed <n>               Seed for fault injection
  -h, --help               Show this help
`;
}

export type CliCommand = { help: true } | { help: false; options: EmulatorOptions };

function integer(flag: string, value: string | undefined, min: number): number {
  const number = Number(value);
  if (value === undefined || value === "" || !Number.isInteger(number) || number < min) {
    throw new EmulatorError(
      "invalid_options",
      `${flag} needs an integer >= ${min}, got ${JSON.stringify(value)}.`,
    );
  }
  return number;
}

/**
 * `url[,secret][,event…]`: a part that names one of the personality's event types is a filter;
 * the first part that doesn't is the secret (an empty one means "generate").
 */
export function parseWebhookSpec(spec: string, personality: Personality): WebhookEndpointConfig {
  const [url = "", ...parts] = spec.split(",");
  if (url === "") throw new EmulatorError("invalid_options", "--webhook needs a URL.");
  const known = new Set(eventTypesOf(personality.webhooks));
  let secret: string | undefined;
  const events: string[] = [];
  for (const [index, part] of parts.entries()) {
    const value = part.trim();
    if (known.has(value)) events.push(value);
    else if (index === 0) secret = value === "" ? undefined : value;
    else {
      throw new EmulatorError(
        "invalid_options",
        `--webhook ${url}: ${JSON.stringify(value)} is not a ${personality.title} event type (${[...known].join(", ")}).`,
      );
    }
  }
  return {
    url,
    ...(secret === undefined ? {} : { secret }),
    ...(events.length > 0 ? { events } : {}),
  };
}

/** Parses CLI arguments (without `node` and the script path). */
export function parseCliArgs(args: string[], bin = "anymail-emulator"): CliCommand {
  const options: EmulatorOptions = { port: 3025 };
  const webhookSpecs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = () => inline ?? args[++i];
    switch (flag) {
      case "-h":
      case "--help":
        return { help: true };
      case "--provider": {
        const name = value();
        if (!name || !personalityFor(name)) {
          throw new EmulatorError(
            "invalid_options",
            `--provider must be one of ${PROVIDER_NAMES.join(", ")}, got ${JSON.stringify(name)}.`,
          );
        }
        options.provider = name as ProviderName;
        break;
      }
      case "--port":
        options.port = integer(flag, value(), 0);
        break;
      case "--host": {
        const host = value();
        if (!host) throw new EmulatorError("invalid_options", "--host needs a host.");
        options.host = host;
        break;
      }
      case "--webhook": {
        const spec = value();
        if (!spec) throw new EmulatorError("invalid_options", "--webhook needs a URL.");
        webhookSpecs.push(spec);
        break;
      }
      case "--api-key": {
        const key = value();
        if (!key) throw new EmulatorError("invalid_options", "--api-key needs a key.");
        options.apiKeys = [...(options.apiKeys ?? []), key];
        break;
      }
      case "--rate-limit": {
        const limit = value();
        options.rateLimit =
          limit === "off" ? false : { requestsPerSecond: integer(flag, limit, 1) };
        break;
      }
      case "--daily-quota":
        options.dailyQuota = integer(flag, value(), 0);
        break;
      case "--delivery-delay":
        options.deliveryDelayMs = integer(flag, value(), 0);
        break;
      case "--require-user-agent":
        options.requireUserAgent = true;
        break;
      case "--seed":
        options.seed = integer(flag, value(), 0);
        break;
      default:
        throw new EmulatorError("invalid_options", `Unknown option ${arg}. Run ${bin} --help.`);
    }
  }
  // Webhook specs name event types, which depend on the provider given anywhere on the line.
  const personality = personalityFor(options.provider ?? "resend")!;
  options.webhooks = webhookSpecs.map((spec) => parseWebhookSpec(spec, personality));
  return { help: false, options };
}
