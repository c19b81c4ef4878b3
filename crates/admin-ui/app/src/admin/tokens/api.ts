// The admin calls about API tokens: list, create (the secret comes back once) and
// revoke; and the scopes a token may hold, as the API names them.

import { api, type Schemas } from "../../api/client";
import { unwrapData, unwrapEmpty } from "../failure";

export type Token = Schemas["TokenView"];
export type NewToken = Schemas["NewTokenInput"];
export type NewTokenWithSecret = Schemas["NewTokenView"];
export type Scope = NewToken["scopes"][number];

/** Capabilities that may be limited to one content type (`write:post`). */
export const TYPED_CAPABILITIES = ["read", "preview", "write", "publish"] as const;
export type TypedCapability = (typeof TYPED_CAPABILITIES)[number];

export const CAPABILITY_HELP: Record<TypedCapability | "admin", string> = {
  read: "published content, when public reads need a token",
  preview: "drafts and unpublished changes",
  write: "create, change and delete entries and media",
  publish: "publish, unpublish and schedule",
  admin: "everything, users and tokens included",
};

export function listTokens(): Promise<Token[]> {
  return unwrapData(api.GET("/api/v1/admin/tokens"));
}

export function createToken(token: NewToken): Promise<NewTokenWithSecret> {
  return unwrapData(api.POST("/api/v1/admin/tokens", { body: token }));
}

export function revokeToken(id: string): Promise<void> {
  return unwrapEmpty(api.DELETE("/api/v1/admin/tokens/{id}", { params: { path: { id } } }));
}

type TokenState = "active" | "revoked" | "expired";

export function tokenState(token: Token, now: Date = new Date()): TokenState {
  if (token.revoked_at) {
    return "revoked";
  }
  if (token.expires_at && new Date(token.expires_at) <= now) {
    return "expired";
  }
  return "active";
}
