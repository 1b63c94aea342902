import { Redis, type RedisOptions } from "ioredis";
import type { MailQueueConnection } from "./connection.js";

/** A connection of our own for the keys BullMQ doesn't manage. */
export function openRedis(connection: MailQueueConnection): Redis {
  const given = connection as unknown as { duplicate?: () => Redis };
  if (typeof given.duplicate === "function") return given.duplicate();
  return new Redis({ ...(connection as RedisOptions), maxRetriesPerRequest: null });
}
