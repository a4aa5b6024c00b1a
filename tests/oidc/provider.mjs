// The OpenID provider of the login tests: `oidc-provider` (an OpenID
// Certified implementation) with one confidential client, `wasmlit`, whose
// redirect URIs come from REDIRECT_URIS (comma-separated). Its development
// login form takes any name: the name is the account's e-mail (a name
// starting with `unverified` has an unverified e-mail). With TAMPER set,
// the token endpoint answers with a bad ID token: `expired`, `forged`
// (signed by a key it does not publish), `audience` (for another client)
// or `nonce` (another login's). Prints `listening <issuer>` when ready.
import Provider from "oidc-provider";
import * as jose from "jose";

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const { privateKey } = await jose.generateKeyPair("RS256", { extractable: true });
const jwk = { ...(await jose.exportJWK(privateKey)), kid: "test", alg: "RS256", use: "sig" };

const provider = new Provider(issuer, {
  clients: [{
    client_id: "wasmlit",
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: process.env.REDIRECT_URIS.split(","),
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  }],
  jwks: { keys: [jwk] },
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, email: id, email_verified: !id.startsWith("unverified"), name: id.split("@")[0] }),
  }),
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["a key for the provider's own cookies"] },
});

const tamper = process.env.TAMPER;
if (tamper) {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== "/token" || !ctx.body || !ctx.body.id_token) return;
    const claims = jose.decodeJwt(ctx.body.id_token);
    let key = privateKey;
    const now = Math.floor(Date.now() / 1000);
    if (tamper === "expired") { claims.iat = now - 7200; claims.exp = now - 3600; }
    if (tamper === "audience") claims.aud = "another-client";
    if (tamper === "nonce") claims.nonce = "the-nonce-of-another-login";
    if (tamper === "forged") key = (await jose.generateKeyPair("RS256")).privateKey;
    ctx.body = { ...ctx.body, id_token: await new jose.SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "test" }).sign(key) };
  });
}

// Its own failures go to stderr, for the test's output.
provider.on("server_error", (ctx, error) => console.error("provider error:", error));

provider.listen(port, "127.0.0.1", () => console.log(`listening ${issuer}`));
