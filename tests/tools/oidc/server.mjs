// A stand-in for Ping Identity in Hybrid's tests: oidc-provider on 127.0.0.1, configured like PingFederate.
//
//   node oidc/server.mjs --port 8123 [--keys keys.json]
//
// - client credentials grant, client_secret_basic;
// - resource https://api.hybrid.test: JWT access tokens (typ at+jwt, RS256, aud an array);
//   resource https://ref.hybrid.test: opaque reference tokens, checked by RFC 7662 introspection;
// - Ping-style claims: client_id, groups (a plain string when the client has one group), OrgName;
// - PingFederate paths: /as/token.oauth2, /as/introspect.oauth2, /as/revoke_token.oauth2, /pf/JWKS;
// - JWKS with two keys; POST /test/rotate adds a new signing key (the previously rotated one stays published, and so
//   do the keys given with --keys, which tests use to forge tokens);
// - oidc-provider refuses to introspect or revoke JWT access tokens, so this script records the ones it issued
//   and answers introspection and revocation for those itself.
// Everything is in memory and bound to 127.0.0.1 only.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';

import Provider from 'oidc-provider';
import { createLocalJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const port = Number(arg('--port'));
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node server.mjs --port PORT [--keys keys.json]');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

export const JWT_RESOURCE = 'https://api.hybrid.test';
export const REF_RESOURCE = 'https://ref.hybrid.test';
const SCOPES = 'workflows:start workflows:read workflows:stop';

function newKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: `k-${crypto.randomBytes(6).toString('hex')}`, use: 'sig', alg: 'RS256' };
}

// The keys given on the command line (or two new ones) stay published for the whole run, so tests can forge tokens
// with them; the first signs until the first rotation. Each rotation adds a new signing key and keeps the previous
// rotated key published as retired (Ping publishes pending, active and retired keys side by side).
const pinnedKeys = arg('--keys') ? JSON.parse(fs.readFileSync(arg('--keys'), 'utf8')).keys : [newKey(), newKey()];
let rotatedKeys = [];
let keys = pinnedKeys; // keys[0] signs

const clients = [
  { client_id: 'hybrid-admin', client_secret: 'admin-secret', groups: ['admins', 'operators'] },
  { client_id: 'hybrid-reader', client_secret: 'reader-secret', groups: ['readers'] },
  { client_id: 'hybrid-nogroups', client_secret: 'nogroups-secret', groups: [] },
  // The resource server's own client, used only to call introspection.
  { client_id: 'hybrid-api', client_secret: 'api-secret', groups: [] },
];
const groupsOf = new Map(clients.map((c) => [c.client_id, c.groups]));

const issuedJwts = new Map(); // jti -> true while not revoked
const revokedJwts = new Set();

function createProvider() {
  const provider = new Provider(issuer, {
    clients: clients.map(({ client_id, client_secret }) => ({
      client_id,
      client_secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: SCOPES,
    })),
    jwks: { keys },
    scopes: SCOPES.split(' '),
    routes: {
      token: '/as/token.oauth2',
      introspection: '/as/introspect.oauth2',
      revocation: '/as/revoke_token.oauth2',
      jwks: '/pf/JWKS',
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => JWT_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource) => {
          if (resource === JWT_RESOURCE) {
            return {
              scope: SCOPES,
              audience: JWT_RESOURCE,
              accessTokenTTL: 7200, // PingFederate's default JWT lifetime, 120 minutes
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg: 'RS256', kid: keys[0].kid } },
            };
          }
          if (resource === REF_RESOURCE) {
            return { scope: SCOPES, audience: REF_RESOURCE, accessTokenTTL: 7200, accessTokenFormat: 'opaque' };
          }
          throw new Provider.errors.InvalidTarget();
        },
      },
    },
    extraTokenClaims: (ctx, token) => {
      const groups = groupsOf.get(token.clientId) ?? [];
      const claims = { OrgName: 'Hybrid' };
      if (groups.length === 1) claims.groups = groups[0]; // Ping sends a one-element list as a plain string
      else if (groups.length > 1) claims.groups = groups;
      return claims;
    },
    formats: {
      customizers: {
        jwt: (ctx, token, jwt) => {
          // PingFederate can list several audiences; make aud an array so the validator must handle it.
          jwt.payload.aud = [jwt.payload.aud, 'urn:ping:other-resource'].flat();
        },
      },
    },
  });
  provider.proxy = false;
  provider.on('client_credentials.issued', (token) => issuedJwts.set(token.jti, true));
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  return provider;
}

let provider = createProvider();

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function clientFromBasic(req) {
  const h = req.headers.authorization ?? '';
  if (!h.startsWith('Basic ')) return undefined;
  const [id, secret] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':').map(decodeURIComponent);
  const client = clients.find((c) => c.client_id === id && c.client_secret === secret);
  return client?.client_id;
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function isJwt(token) {
  try {
    return !!decodeProtectedHeader(token);
  } catch {
    return false;
  }
}

// Introspection and revocation of the JWT access tokens this server issued, which oidc-provider refuses.
async function handleJwt(req, res, route, params) {
  if (!clientFromBasic(req)) {
    send(res, 401, { error: 'invalid_client' });
    return;
  }
  const token = params.get('token');
  let payload;
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet({ keys: keys.map(publicJwk) }), { issuer }));
  } catch {
    payload = undefined;
  }
  if (route === 'revoke') {
    if (payload?.jti) revokedJwts.add(payload.jti);
    res.writeHead(200);
    res.end();
    return;
  }
  const active = !!payload && issuedJwts.has(payload.jti) && !revokedJwts.has(payload.jti);
  send(res, 200, active ? { active: true, token_type: 'Bearer', ...payload } : { active: false });
}

function publicJwk({ kty, n, e, kid, use, alg }) {
  return { kty, n, e, kid, use, alg };
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (req.method === 'POST' && url.pathname === '/test/rotate') {
      // A new active key; the previous rotated key stays published as retired, older rotated keys go.
      rotatedKeys = [newKey(), ...rotatedKeys.slice(0, 1)];
      keys = [...rotatedKeys, ...pinnedKeys];
      provider = createProvider();
      send(res, 200, { kid: keys[0].kid, published: keys.map((k) => k.kid) });
      return;
    }
    if (req.method === 'POST' && (url.pathname === '/as/introspect.oauth2' || url.pathname === '/as/revoke_token.oauth2')) {
      const raw = await readBody(req);
      const params = new URLSearchParams(raw.toString('utf8'));
      const token = params.get('token') ?? '';
      if (isJwt(token)) {
        await handleJwt(req, res, url.pathname.includes('revoke') ? 'revoke' : 'introspect', params);
        return;
      }
      // Hand the already-read body on to oidc-provider.
      req.body = Object.fromEntries(params);
    }
    provider.callback()(req, res);
  } catch (err) {
    console.error(err);
    if (!res.headersSent) send(res, 500, { error: 'server_error' });
  }
});

server.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
