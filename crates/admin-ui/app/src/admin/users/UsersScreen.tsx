// User accounts, for admins: invite someone by creating their account, change roles,
// disable and enable, reset passwords (shown once to hand over) and delete.

import { useState } from "preact/hooks";

import { useApp } from "../../app-state";
import { Confirm } from "../Confirm";
import { SecretOnce } from "../SecretOnce";
import { Listing } from "../Listing";
import { useList } from "../use-list";
import { notify } from "../../ui/notices";
import { NewUserForm } from "./NewUserForm";
import { ResetPassword } from "./ResetPassword";
import { UserRow } from "./UserRow";
import { type User, deleteUser, listUsers } from "./api";
import { ScrollTable } from "../ScrollTable";
import "../admin.css";

interface Handover {
  email: string;
  password: string;
  why: string;
}

export default function UsersScreen() {
  const { me } = useApp();
  const { items: users, setItems: setUsers, error, load } = useList(listUsers);
  const [handover, setHandover] = useState<Handover | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);

  const replace = (user: User) => setUsers((old) => old && old.map((other) => (other.id === user.id ? user : other)));

  return (
    <section class="screen" aria-labelledby="users-title">
      <div class="screen-header">
        <h1 id="users-title">Users</h1>
      </div>
      {handover && (
        <SecretOnce
          title={`${handover.why}: hand over the password now`}
          label={`Password of ${handover.email}`}
          secret={handover.password}
          onDone={() => setHandover(null)}
        >
          <p>Send it by a safe channel. It is not shown again; they can change it under their account.</p>
        </SecretOnce>
      )}
      <NewUserForm
        onCreated={({ user, password }) => {
          setHandover({ email: user.email, password, why: `Account for ${user.email} created` });
          void load();
        }}
      />
      <h2 id="user-list-title">Accounts</h2>
      <Listing items={users} error={error} failed="The accounts could not be loaded">
        {(users) => (
          <ScrollTable labelledBy="user-list-title" columns={["Name", "Role", "State", "Last sign-in"]} actions>
            {users.map((user) => (
              <UserRow
                key={user.id}
                user={user}
                isMe={me.user?.id === user.id}
                onChanged={replace}
                onReset={setResetting}
                onDelete={setDeleting}
              />
            ))}
          </ScrollTable>
        )}
      </Listing>
      {resetting && (
        <ResetPassword
          user={resetting}
          onDone={(password) => {
            setHandover({ email: resetting.email, password, why: `New password for ${resetting.email} set` });
            setResetting(null);
          }}
          onClose={() => setResetting(null)}
        />
      )}
      {deleting && (
        <Confirm
          title={`Delete ${deleting.email}?`}
          action="Delete account"
          onConfirm={async () => {
            await deleteUser(deleting.id);
            notify(`${deleting.email} deleted.`);
            await load();
          }}
          onClose={() => setDeleting(null)}
        >
          <p>
            The account and its sessions go; entries keep naming it as their author. To keep the account but stop its
            use, disable it instead.
          </p>
        </Confirm>
      )}
    </section>
  );
}
