// Names for the actors that entries and revisions record (`user:ID`): the signed-in user
// is "you"; admins, who may list accounts, see everyone's display name.

import { useEffect, useState } from "preact/hooks";

import { api } from "../api/client";
import { useApp } from "../app-state";
import { isAdmin } from "../auth/permissions";

let cached: Promise<Map<string, string>> | null = null;

async function fetchNames(): Promise<Map<string, string>> {
  const { data } = await api.GET("/api/v1/admin/users");
  return new Map((data?.data ?? []).map((user) => [`user:${user.id}`, user.display_name || user.email]));
}

export function useActorNames(): Map<string, string> {
  const { me } = useApp();
  const [names, setNames] = useState(() => new Map([[me.actor, "you"]]));
  useEffect(() => {
    if (!isAdmin(me)) return;
    cached ??= fetchNames();
    let live = true;
    cached.then(
      (found) => live && setNames(new Map([...found, [me.actor, "you"]])),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [me.actor]);
  return names;
}
