// The admin calls about user accounts: list, create, change (role, disable, password),
// delete.

import { api, type Schemas } from "../../api/client";
import { unwrapData, unwrapEmpty } from "../failure";

export type User = Schemas["UserView"];
type NewUser = Schemas["NewUserInput"];
type UserChanges = Schemas["UserPatch"];
export type Role = NewUser["role"];

export const ROLES: Role[] = ["admin", "editor", "author", "viewer"];

export const MIN_PASSWORD_CHARS = 10;

export function listUsers(): Promise<User[]> {
  return unwrapData(api.GET("/api/v1/admin/users"));
}

export function createUser(user: NewUser): Promise<User> {
  return unwrapData(api.POST("/api/v1/admin/users", { body: user }));
}

export function changeUser(id: string, changes: UserChanges): Promise<User> {
  return unwrapData(api.PATCH("/api/v1/admin/users/{id}", { params: { path: { id } }, body: changes }));
}

export function deleteUser(id: string): Promise<void> {
  return unwrapEmpty(api.DELETE("/api/v1/admin/users/{id}", { params: { path: { id } } }));
}

const PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const PASSWORD_CHARS = 20;
/** Random bytes at or past this would favour the alphabet's first letters; they are skipped. */
const UNBIASED_BELOW = 256 - (256 % PASSWORD_ALPHABET.length);

/** A random password to hand to a new user (or after a reset): 20 characters, about 117 bits. */
export function randomPassword(): string {
  let password = "";
  while (password.length < PASSWORD_CHARS) {
    for (const byte of crypto.getRandomValues(new Uint8Array(PASSWORD_CHARS))) {
      if (byte < UNBIASED_BELOW && password.length < PASSWORD_CHARS) {
        password += PASSWORD_ALPHABET[byte % PASSWORD_ALPHABET.length];
      }
    }
  }
  return password;
}
