// The admin calls about WebAssembly plugins: list them with their state and faults, and
// reload one (which also re-enables a plugin disabled by faults).

import { api } from "../../api/client";
import { unwrap } from "../failure";

/** A loaded plugin, as `GET /api/v1/admin/plugins` describes it (the schema leaves it open). */
export interface Plugin {
  id: string;
  version: string;
  description?: string;
  types: string[];
  hooks: string[];
  state: string;
  faults: Record<string, number>;
  consecutive_faults: number;
  loaded_at: string;
  load_ms?: number;
}

export async function listPlugins(): Promise<Plugin[]> {
  const list = (await unwrap(api.GET("/api/v1/admin/plugins"))) as { data: Plugin[] };
  return list.data;
}

export async function reloadPlugin(id: string): Promise<Plugin> {
  const reloaded = (await unwrap(api.POST("/api/v1/admin/plugins/{id}/reload", { params: { path: { id } } }))) as {
    data: Plugin;
  };
  return reloaded.data;
}
