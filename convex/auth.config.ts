// Convex trusts the API's realtime tokens: ES256 JWTs from `POST /v1/realtime/token`, checked
// against the public JWKS given as a data: URI (`orderzap realtime jwks` prints it), so Convex
// fetches nothing. Set it on the deployment (npx convex env set ORDERZAP_REALTIME_JWKS "data:...");
// rotating the key means setting the new JWKS and deploying again.
//
// SECURITY: kitchen:orders takes the restaurant from any trusted token's restaurantId claim, so
// every provider listed here must be one that OrderZap controls.

// Convex evaluates this file with the deployment's environment variables; the functions'
// tsconfig has no Node types, so `process` is declared here.
declare const process: { env: Record<string, string | undefined> };

export default {
  providers: [
    {
      type: "customJwt",
      issuer: "orderzap",
      applicationID: "orderzap-realtime",
      algorithm: "ES256",
      jwks: process.env.ORDERZAP_REALTIME_JWKS,
    },
  ],
};
