// A real OpenID Connect provider (panva's oidc-provider) for the SSO browser test.
// Configuration comes as JSON in OIDC_TEST_CONFIG: {client_id, client_secret, redirect_uri,
// accounts: {id: {email, email_verified, given_name, family_name, amr}}}. It listens on
// 127.0.0.1 on an ephemeral port and prints {"issuer": ...} as its first line of output.
// Its sign-in page asks only for the account id: the test chooses who signs in, and that
// account's "amr" is what the ID token asserts.
import http from "node:http";
import Provider from "oidc-provider";

const config = JSON.parse(process.env.OIDC_TEST_CONFIG);
const accounts = config.accounts;

function page(res, status, body) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(`<!doctype html><html lang="en"><head><title>Test provider</title></head><body>${body}</body></html>`);
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const server = http.createServer();
server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: config.client_id,
        client_secret: config.client_secret,
        redirect_uris: [config.redirect_uri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    claims: {
      openid: ["sub", "amr", "auth_time"],
      email: ["email", "email_verified"],
      profile: ["given_name", "family_name", "name"],
    },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            email: account.email,
            email_verified: account.email_verified,
            given_name: account.given_name,
            family_name: account.family_name,
            name: `${account.given_name} ${account.family_name}`,
          };
        },
      };
    },
    // The portal is a first-party client: no consent screen.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ["oidc-test-provider-only"] },
  });
  const handle = provider.callback();

  server.on("request", async (req, res) => {
    const match = req.url.match(/^\/interaction\/([\w-]+)$/);
    if (!match) return handle(req, res);
    try {
      if (req.method === "GET") {
        await provider.interactionDetails(req, res);
        return page(res, 200, `<main><h1>University sign-in (test)</h1>
<form method="post" action="/interaction/${match[1]}">
<label for="login">Username</label> <input id="login" name="login" autocomplete="username">
<button type="submit">Sign in with the university</button></form></main>`);
      }
      const form = await readForm(req);
      const accountId = form.get("login");
      const account = accounts[accountId];
      if (!account) return page(res, 400, "<p>Unknown account.</p>");
      return provider.interactionFinished(req, res, {
        login: { accountId, amr: account.amr || ["pwd"] },
      }, { mergeWithLastSubmission: false });
    } catch (err) {
      return page(res, 500, `<p>${String(err).replace(/</g, "&lt;")}</p>`);
    }
  });
  process.stdout.write(JSON.stringify({ issuer }) + "\n");
});
