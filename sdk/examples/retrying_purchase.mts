/**
 * Enrol a member, record a sale and read the balance with the generated TypeScript client, retrying safely
 * until the service has each request (the TypeScript twin of retrying_purchase.py).
 *
 * Every request that changes state is idempotent: an enrolment on its `Idempotency-Key`, a purchase on its
 * `transaction_ref` (per channel). Sending the very same request again after a timeout, a dropped
 * connection or a `503 store_unavailable` takes effect once and answers the first result, so a till retries
 * with backoff without asking whether the first attempt landed. What must not change between attempts is
 * the key and the body: they are fixed before the first attempt.
 *
 *     cd sdk/typescript && npm ci && npx tsc -p .
 *     node dist/build/examples/retrying_purchase.mjs https://loyalty.example lk_… 0901234567
 */

import { randomUUID } from "node:crypto";
import { argv } from "node:process";
import { pathToFileURL } from "node:url";

import { createLoyaltyClient, type LoyaltyClient, type Schemas } from "../typescript/src/index.js";

const RETRYABLE = new Set([429, 503]);

export interface Answer {
  response: Response;
}

/** Send until answered with something other than 429/503 or a network error; the last answer as it is. */
export async function withRetries<T extends Answer>(send: () => Promise<T>, attempts = 5, baseDelayMs = 200): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await send();
      if (!RETRYABLE.has(answer.response.status) || attempt >= attempts) return answer;
    } catch (error) {
      // fetch rejects (TypeError) when the connection fails: the request may or may not have landed.
      if (attempt >= attempts) throw error;
    }
    const ceiling = Math.min(5000, baseDelayMs * 2 ** (attempt - 1));
    await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * (ceiling / 2)));
  }
}

export function enrol(client: LoyaltyClient, body: Schemas["EnrollRequest"], idempotencyKey = randomUUID()) {
  return withRetries(() => client.POST("/v1/members", { body, params: { header: { "Idempotency-Key": idempotencyKey } } }));
}

export function recordPurchase(client: LoyaltyClient, body: Schemas["PurchaseRequest"]) {
  return withRetries(() => client.POST("/v1/transactions", { body }));
}

export function balance(client: LoyaltyClient, memberId: string) {
  return withRetries(() => client.GET("/v1/members/{member_id}/balance", { params: { path: { member_id: memberId } } }));
}

/** The day at the till: enrol the phone, a sale of 125.000 ₫ under `transactionRef`, the balance after it. */
export async function tillDay(client: LoyaltyClient, phone: string, transactionRef: string) {
  const member = await enrol(client, { phone, name: "Nguyễn Thị Lan" });
  if (member.error) throw new Error(`enrolment refused: ${member.error.code} ${member.error.detail}`);
  const sale = await recordPurchase(client, { transaction_ref: transactionRef, total: "125000", member: { phone } });
  if (sale.error) throw new Error(`purchase refused: ${sale.error.code} ${sale.error.detail}`);
  const points = await balance(client, member.data.member_id);
  if (points.error) throw new Error(`balance refused: ${points.error.code} ${points.error.detail}`);
  return { member: member.data, purchase: sale.data, balance: points.data };
}

if (argv[1] && import.meta.url === pathToFileURL(argv[1]).href) {
  const [baseUrl, token, phone] = argv.slice(2);
  if (!baseUrl || !token || !phone) throw new Error("usage: retrying_purchase.mjs BASE_URL API_KEY PHONE");
  const day = await tillDay(createLoyaltyClient({ baseUrl, token }), phone, `HD-${randomUUID().slice(0, 8)}`);
  console.log(JSON.stringify(day, null, 2));
}
