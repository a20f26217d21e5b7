// Who may act on a job or a clip. A person is a platform (an opaque namespace to the engine) plus that platform's user
// id: ids are only unique within a platform, and some platforms' ids are public, so a person of another platform who
// happens to hold the same digits must never pass for the owner. A manager right (the bot checks the platform's
// permission) holds only where the platform granted it: on that platform and that server, never across them.
import type { Origin } from "./schema.ts";

export interface Actor {
  platform: string;
  userId: string;
  /** The server (guild, workspace) the actor is acting in: where a manager right applies. */
  serverId?: string;
  /** The platform says this person may manage other people's jobs and clips in serverId. */
  manager?: boolean;
}

export function isOwner(origin: Pick<Origin, "platform" | "userId">, actor: Actor): boolean {
  return origin.platform === actor.platform && origin.userId === actor.userId;
}

/** The owner, or a manager of the very server the job or clip came from. */
export function mayManage(origin: Pick<Origin, "platform" | "userId" | "serverId">, actor: Actor): boolean {
  if (isOwner(origin, actor)) return true;
  return actor.manager === true && origin.platform === actor.platform
    && origin.serverId !== undefined && origin.serverId === actor.serverId;
}
