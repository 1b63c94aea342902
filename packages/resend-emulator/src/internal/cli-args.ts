import { ResendEmulatorError } from "./emulator-error.js";
import type { ResendEmulatorOptions } from "./types.js";

export const USAGE = `Usage: resend-emulator [options]

A local Resend API for development and tests.

Options:
  --port <n>               Port to listen on (default 3025; 0 picks a free one)
  --host <host>            Interface to bind (default 127.0.0.1)
  --webhook <url[,secret]> Deliver signed webhooks to <url>; repeatable. A whsec_ secret is
                           generated when none is given.
  --api-key <key>          Accept only this API key; repeatable (default: any re_… key)
  --rate-limit <n|off>     Requests per second per API key (default 5)
  --daily-quota <n>        Emails per API key per day (default unlimited)
  --delivery-delay <ms>    Delay between email.sent and email.delivered (default 20)
  --require-user-agent     Answer 403 when User-Agent is missing, like Resend
  --seed <n>               Seed for fault injection
  -h, --help               Show this help
`;

export type CliCommand = { help: true } | { help: false; options: ResendEmulatorOptions };

function integer(flag: string, value: string | undefined, min: number): number {
  const number = Number(value);
  if (value === undefined || !Number.isInteger(number) || number < min) {
    throw new ResendEmulatorError(
      "invalid_options",
      `${flag} needs an integer >= ${min}, got ${JSON.stringify(value)}.`,
    );
  }
  return number;
}

/** Parses CLI arguments (without `node` and the script path). */
export function parseCliArgs(args: string[]): CliCommand {
  const options: ResendEmulatorOptions = { port: 3025, webhooks: [] };
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
      case "--port":
        options.port = integer(flag, value(), 0);
        break;
      case "--host":
        options.host = value();
        break;
      case "--webhook": {
        const spec = value();
        if (!spec) throw new ResendEmulatorError("invalid_options", "--webhook needs a URL.");
        const comma = spec.indexOf(",");
        const url = comma === -1 ? spec : spec.slice(0, comma);
        const secret = comma === -1 ? undefined : spec.slice(comma + 1);
        options.webhooks!.push(secret ? { url, secret } : { url });
        break;
      }
      case "--api-key": {
        const key = value();
        if (!key) throw new ResendEmulatorError("invalid_options", "--api-key needs a key.");
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
        throw new ResendEmulatorError(
          "invalid_options",
          `Unknown option ${arg}. Run resend-emulator --help.`,
        );
    }
  }
  return { help: false, options };
}
