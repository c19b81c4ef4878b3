// WebAssembly plugins, for admins: each loaded plugin with the types it adds, its hooks,
// its state (active, or disabled after repeated faults) and fault counts, and a reload
// button that reads its folder again (and re-enables a disabled plugin).

import { useState } from "preact/hooks";

import { describe } from "../failure";
import { Listing } from "../Listing";
import { useList } from "../use-list";
import { formatTime } from "../../ui/format";
import { notify } from "../../ui/notices";
import { type Plugin, listPlugins, reloadPlugin } from "./api";
import { ScrollTable } from "../ScrollTable";
import "../admin.css";

function faults(plugin: Plugin): string {
  const kinds = Object.entries(plugin.faults).filter(([, count]) => count > 0);
  return kinds.length > 0 ? kinds.map(([kind, count]) => `${kind}: ${count}`).join(", ") : "None";
}

export default function PluginsScreen() {
  const { items: plugins, setItems: setPlugins, error } = useList(listPlugins);
  const [reloading, setReloading] = useState<string | null>(null);

  const reload = async (plugin: Plugin) => {
    setReloading(plugin.id);
    try {
      const reloaded = await reloadPlugin(plugin.id);
      setPlugins((old) => old && old.map((other) => (other.id === reloaded.id ? reloaded : other)));
      notify(`${plugin.id} reloaded: version ${reloaded.version}, ${reloaded.state}.`);
    } catch (failure) {
      notify(`${plugin.id} was not reloaded: ${describe(failure)}`, "error");
    } finally {
      setReloading(null);
    }
  };

  return (
    <section class="screen" aria-labelledby="plugins-title">
      <div class="screen-header">
        <h1 id="plugins-title">Plugins</h1>
      </div>
      <p class="lead">
        Plugins load from the server's plugin folder at start. Reloading reads a plugin's folder again and swaps the new
        build in; a plugin disabled after repeated faults starts again with a clean record.
      </p>
      <h2 id="plugin-list-title">Loaded plugins</h2>
      <Listing items={plugins} error={error} failed="The plugins could not be loaded" empty="No plugins are loaded.">
        {(plugins) => (
          <ScrollTable
            labelledBy="plugin-list-title"
            columns={["Plugin", "Adds types", "Hooks", "State", "Faults", "Loaded"]}
            actions
          >
            {plugins.map((plugin) => (
              <tr key={plugin.id}>
                <th scope="row">
                  {plugin.id} <span class="muted">{plugin.version}</span>
                  {plugin.description && <span class="slug">{plugin.description}</span>}
                </th>
                <td>{plugin.types.join(", ") || "None"}</td>
                <td>{plugin.hooks.join(", ")}</td>
                <td>
                  <span class={`badge state-${plugin.state === "active" ? "active" : "disabled"}`}>{plugin.state}</span>
                </td>
                <td>
                  {faults(plugin)}
                  {plugin.consecutive_faults > 0 && <span class="slug">{plugin.consecutive_faults} in a row</span>}
                </td>
                <td>{formatTime(plugin.loaded_at)}</td>
                <td>
                  <button type="button" disabled={reloading !== null} onClick={() => void reload(plugin)}>
                    {reloading === plugin.id ? "Reloading…" : "Reload"}
                    <span class="visually-hidden"> {plugin.id}</span>
                  </button>
                </td>
              </tr>
            ))}
          </ScrollTable>
        )}
      </Listing>
    </section>
  );
}
