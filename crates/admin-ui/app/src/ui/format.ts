// How times and actors are written for people.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatTime(value: string | null | undefined): string {
  if (!value) {
    return "—";
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTime.format(date);
}

/** `user:ID` and friends as a short label; the app fills in names where it knows them. */
export function formatActor(actor: string | null | undefined, names: Map<string, string> = new Map()): string {
  if (!actor) {
    return "—";
  }
  const known = names.get(actor);
  if (known) {
    return known;
  }
  if (actor.startsWith("system:")) {
    return actor.slice("system:".length) === "seed" ? "the demo content" : "the scheduler";
  }
  if (actor.startsWith("user:")) {
    return `another user (${actor.slice("user:".length, "user:".length + 10)}…)`;
  }
  return actor;
}
