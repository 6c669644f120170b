/**
 * The Loyalty API from TypeScript: `createLoyaltyClient` gives a typed client whose paths, bodies and answers
 * come from the API's OpenAPI document (`src/schema.d.ts`, generated from ../openapi.json by `make sdk`;
 * never edit it by hand). Calls go through openapi-fetch: `await loyalty.POST("/v1/transactions", { body })`
 * answers `{ data, error, response }`, where `error` is the shared `Problem` (RFC 9457, with a stable `code`).
 */

import createClient, { type Client, type ClientOptions } from "openapi-fetch";

import type { components, operations, paths } from "./schema.js";

export type { components, operations, paths };
export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];
export type LoyaltyClient = Client<paths>;

export interface LoyaltyOptions {
  /** The service's address, e.g. `https://loyalty.example` (no trailing `/v1`). */
  baseUrl: string;
  /** An API key (`lk_…`), sent as `Authorization: Bearer`. */
  token: string;
  /** Another fetch (a proxy, a test's flaky network); the global fetch by default. */
  fetch?: ClientOptions["fetch"];
}

export function createLoyaltyClient({ baseUrl, token, fetch }: LoyaltyOptions): LoyaltyClient {
  return createClient<paths>({
    baseUrl: baseUrl.replace(/\/+$/, ""),
    headers: { Authorization: `Bearer ${token}` },
    ...(fetch ? { fetch } : {}),
  });
}
