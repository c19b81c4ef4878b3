// API tokens, for admins: create one (its secret shown once, here, and forgotten when
// the screen is left), see every token with its scopes, expiry and last use, and revoke.

import { useState } from "preact/hooks";

import { Confirm } from "../Confirm";
import { SecretOnce } from "../SecretOnce";
import { Listing } from "../Listing";
import { useList } from "../use-list";
import { formatTime } from "../../ui/format";
import { notify } from "../../ui/notices";
import { NewTokenForm } from "./NewTokenForm";
import { type NewTokenWithSecret, type Token, listTokens, revokeToken, tokenState } from "./api";
import { ScrollTable } from "../ScrollTable";
import "../admin.css";

const STATE_LABELS = { active: "Active", revoked: "Revoked", expired: "Expired" };

export default function TokensScreen() {
  const { items: tokens, error, load } = useList(listTokens);
  const [created, setCreated] = useState<NewTokenWithSecret | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);

  return (
    <section class="screen" aria-labelledby="tokens-title">
      <div class="screen-header">
        <h1 id="tokens-title">API tokens</h1>
      </div>
      <p class="lead">
        Tokens let programs (a site build, a script) use the API without an account. Send one as{" "}
        <code>Authorization: Bearer …</code>.
      </p>
      {created && (
        <SecretOnce
          title={`Token “${created.name}” created: copy its secret now`}
          label="Token secret"
          secret={created.secret}
          onDone={() => setCreated(null)}
        >
          <p>This is the only time it is shown. If it is lost, revoke the token and create another.</p>
        </SecretOnce>
      )}
      <NewTokenForm
        onCreated={(token) => {
          setCreated(token);
          void load();
        }}
      />
      <h2 id="token-list-title">Tokens</h2>
      <Listing items={tokens} error={error} failed="The tokens could not be loaded" empty="No tokens yet.">
        {(tokens) => (
          <ScrollTable
            labelledBy="token-list-title"
            columns={["Name", "Scopes", "Created", "Expires", "Last used", "State"]}
            actions
          >
            {tokens.map((token) => {
              const state = tokenState(token);
              return (
                <tr key={token.id}>
                  <th scope="row">{token.name}</th>
                  <td>
                    <ul class="scope-list">
                      {token.scopes.map((scope) => (
                        <li key={scope}>
                          <code>{scope}</code>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>{formatTime(token.created_at)}</td>
                  <td>{token.expires_at ? formatTime(token.expires_at) : "Never"}</td>
                  <td>{token.last_used_at ? formatTime(token.last_used_at) : "Never"}</td>
                  <td>
                    <span class={`badge state-${state}`}>{STATE_LABELS[state]}</span>
                  </td>
                  <td>
                    {state === "active" && (
                      <button type="button" class="danger" onClick={() => setRevoking(token)}>
                        Revoke<span class="visually-hidden"> {token.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </ScrollTable>
        )}
      </Listing>
      {revoking && (
        <Confirm
          title={`Revoke “${revoking.name}”?`}
          action="Revoke token"
          onConfirm={async () => {
            await revokeToken(revoking.id);
            notify(`Token “${revoking.name}” revoked.`);
            await load();
          }}
          onClose={() => setRevoking(null)}
        >
          <p>Programs using it are refused from now on. This cannot be undone.</p>
        </Confirm>
      )}
    </section>
  );
}
