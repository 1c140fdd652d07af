// A real OpenID Connect provider for the sign-in tests: npm's `oidc-provider` with one client, PKCE required and
// its development login pages (any login name, any password: the login name becomes the reader's `sub`).
//
//   node server.mjs   with OIDC_PROVIDER_MODULES (the node_modules folder holding oidc-provider),
//                     OIDC_HOST (an address of this machine), OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and
//                     OIDC_REDIRECT_URIS (comma-separated)
//
// It listens on a port the system picks, prints one JSON line {"issuer": ...} once it answers, then one JSON line
// per request it receives ({"method", "path", "agent"}), so a test can tell what Sampan's server asked of it.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`server.mjs: ${name} is not set`);
    process.exit(2);
  }
  return value;
};

const modules = env('OIDC_PROVIDER_MODULES');
const { default: Provider } = await import(pathToFileURL(join(modules, 'oidc-provider', 'lib', 'index.js')).href);

const server = createServer();
await new Promise((resolve) => { server.listen(0, env('OIDC_HOST'), resolve); });
const issuer = `http://${env('OIDC_HOST')}:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: env('OIDC_CLIENT_ID'),
    client_secret: env('OIDC_CLIENT_SECRET'),
    redirect_uris: env('OIDC_REDIRECT_URIS').split(','),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  claims: {
    openid: ['sub'],
    profile: ['name', 'profile', 'picture'],
    email: ['email', 'email_verified'],
  },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          name: `${id[0].toUpperCase()}${id.slice(1)} Reader`,
          profile: `${issuer}/people/${id}`,
          email: `${id}@readers.invalid`,
          email_verified: true,
        };
      },
    };
  },
  cookies: { keys: ['a key for this test provider only'] },
});

server.on('request', (req) => {
  const path = new URL(req.url, issuer).pathname;
  console.log(JSON.stringify({ method: req.method, path, agent: req.headers['user-agent'] || '' }));
});
server.on('request', provider.callback());
console.log(JSON.stringify({ issuer }));
process.on('SIGTERM', () => { server.close(); process.exit(0); });
