/**
 * Run by tests/e2e/test_sdk_typescript.py against a real `loyalty serve`: the example's till day over a network
 * that loses the answer to the first purchase (the request reaches the service, the reply never comes back),
 * then the same purchase sent again by hand, and another purchase under the same ref (refused). Prints what it saw as JSON for the test to check.
 *
 *     node dist/build/typescript/test/live.js BASE_URL API_KEY PHONE TRANSACTION_REF
 */

import { argv } from "node:process";

import { balance, recordPurchase, tillDay } from "../../examples/retrying_purchase.mjs";
import { createLoyaltyClient } from "../src/index.js";

const [baseUrl, token, phone, transactionRef] = argv.slice(2);
if (!baseUrl || !token || !phone || !transactionRef) throw new Error("usage: live.js BASE_URL API_KEY PHONE REF");

let lost = 0;
const answerLostOnce = async (request: Request): Promise<Response> => {
  const response = await fetch(request);
  if (lost === 0 && request.method === "POST" && new URL(request.url).pathname === "/v1/transactions") {
    lost += 1;
    await response.arrayBuffer(); // the service has answered (and recorded the sale); the answer is dropped
    throw new TypeError("fetch failed: connection reset after the request was sent");
  }
  return response;
};

const flaky = createLoyaltyClient({ baseUrl, token, fetch: answerLostOnce });
const plain = createLoyaltyClient({ baseUrl, token });
const day = await tillDay(flaky, phone, transactionRef);
const again = await recordPurchase(plain, { transaction_ref: transactionRef, total: "125000", member: { phone } });
const after = await balance(plain, day.member.member_id);
// The same transaction_ref with another total is not a retry: refused, naming the field, nothing written.
const refused = await recordPurchase(plain, { transaction_ref: transactionRef, total: "99000", member: { phone } });
console.log(JSON.stringify({
  lost,
  day,
  again: { status: again.response.status, data: again.data },
  balanceAfter: after.data,
  refused: { status: refused.response.status, error: refused.error },
}));
