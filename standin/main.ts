// The local Convex stand-in: a TEST DOUBLE, not Convex. It serves Convex's HTTP function API
// (/api/query, /api/mutation, /api/action, /api/run/...) on loopback by running the project's own
// convex/ functions under convex-test, answering as the open-source backend does (see
// ../shared/convex-facts.md §1 and standin/README.md). One process, in memory, one call at a time.
//
//   node --import tsx standin/main.ts [--port N] [--host 127.0.0.1] [--admin-key KEY] [--status-560]
//
// When it listens it prints one line to stdout: {"url": "http://127.0.0.1:PORT", "adminKey": "..."}.
import { randomBytes } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import http from "node:http";
import type { Socket } from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { convexTest } from "convex-test";
import { makeFunctionReference } from "convex/server";
import { ConvexError } from "convex/values";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";

const here = path.dirname(fileURLToPath(import.meta.url));
const functionsRoot = path.resolve(here, "..", "convex");

type Kind = "query" | "mutation" | "action";
type Fault =
  | { mode: "none" }
  | { mode: "down"; paths?: string[] }
  | { mode: "slow"; delayMs: number; paths?: string[] }
  | { mode: "status"; status: number; body?: unknown; paths?: string[] }
  | { mode: "garbage"; paths?: string[] };

interface Options {
  port: number;
  host: string;
  adminKey: string;
  status560: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    port: 0,
    host: "127.0.0.1",
    adminKey: process.env.CONVEX_ADMIN_KEY || `standin|${randomBytes(16).toString("hex")}`,
    status560: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === "--port") options.port = Number(value());
    else if (flag === "--host") options.host = value();
    else if (flag === "--admin-key") options.adminKey = value();
    else if (flag === "--status-560") options.status560 = true;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error("--port must be 0-65535");
  }
  return options;
}

// --- the functions -------------------------------------------------------------------------------

/** The modules map convex-test wants (keys like "./orders.ts", one of them under _generated),
 * built from the directory because plain Node has no import.meta.glob. Tests and fixtures (more
 * than one dot in the name) are left out, as Convex's bundler leaves them out. */
function modulesMap(): Record<string, () => Promise<unknown>> {
  const map: Record<string, () => Promise<unknown>> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      if (!/\.(ts|js)$/.test(name) || name.endsWith(".d.ts")) continue;
      const underGenerated = full.includes(`${path.sep}_generated${path.sep}`);
      if (!underGenerated && name.split(".").length > 2) continue;
      const key = "./" + path.relative(functionsRoot, full).split(path.sep).join("/");
      map[key] = () => import(pathToFileURL(full).href);
    }
  };
  walk(functionsRoot);
  return map;
}

const modules = modulesMap();
const schema = (await import(pathToFileURL(path.join(functionsRoot, "schema.ts")).href)).default;

/** The registered function at "module:name", or undefined. */
async function lookup(udfPath: string): Promise<any> {
  const [modulePath, name = "default"] = udfPath.split(":");
  const loader = modules[`./${modulePath}.ts`] ?? modules[`./${modulePath}.js`];
  if (!loader || modulePath.startsWith("_generated")) return undefined;
  const module: any = await loader();
  return module[name];
}

function kindOf(fn: any): Kind | undefined {
  if (fn?.isQuery) return "query";
  if (fn?.isMutation) return "mutation";
  if (fn?.isAction) return "action";
  return undefined;
}

let t = convexTest({ schema, modules, transactionLimits: true });
// convex-test runs one top-level function at a time; calls queue here too.
let queue: Promise<unknown> = Promise.resolve();
function serialised<T>(work: () => Promise<T>): Promise<T> {
  const next = queue.then(work, work);
  queue = next.catch(() => undefined);
  return next;
}

// --- authentication ------------------------------------------------------------------------------

interface Provider {
  issuer: string;
  applicationID?: string;
  algorithm?: string;
  keys: ReturnType<typeof createLocalJWKSet>;
}

async function loadProviders(): Promise<Provider[]> {
  const config: any = (await import(pathToFileURL(path.join(functionsRoot, "auth.config.ts")).href)).default;
  const providers: Provider[] = [];
  for (const provider of config?.providers ?? []) {
    if (provider.type !== "customJwt" || typeof provider.jwks !== "string") continue;
    const jwks = await readJwks(provider.jwks);
    providers.push({ issuer: provider.issuer, applicationID: provider.applicationID,
                     algorithm: provider.algorithm, keys: createLocalJWKSet(jwks) });
  }
  return providers;
}

async function readJwks(location: string): Promise<JSONWebKeySet> {
  if (location.startsWith("data:")) {
    const comma = location.indexOf(",");
    const meta = location.slice(5, comma);
    const payload = location.slice(comma + 1);
    const text = meta.endsWith(";base64")
      ? Buffer.from(payload, "base64").toString("utf8")
      : decodeURIComponent(payload);
    return JSON.parse(text);
  }
  const answer = await fetch(location);
  return (await answer.json()) as JSONWebKeySet;
}

const providers = await loadProviders();

class HttpFailure extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

type Caller = { admin: true } | { admin: false; identity?: Record<string, unknown> };

async function authenticate(header: string | undefined, adminKey: string): Promise<Caller> {
  if (header === undefined || header === "") return { admin: false };
  if (header.length < 7) throw new HttpFailure(400, "InvalidHeaderFailure", "Authorization header is too short");
  const [scheme, ...rest] = header.split(" ");
  const value = rest.join(" ").trim();
  if (scheme.toLowerCase() === "convex") {
    if (value !== adminKey) {
      throw new HttpFailure(403, "BadDeployKey", "The provided deploy key was invalid for deployment 'standin'.");
    }
    return { admin: true };
  }
  if (scheme.toLowerCase() !== "bearer") {
    throw new HttpFailure(400, "InvalidAdminKey", "The Authorization header is neither 'Convex <key>' nor 'Bearer <token>'.");
  }
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(value).alg;
  } catch {
    throw new HttpFailure(401, "InvalidAuthHeader", "Could not parse JWT payload.");
  }
  if (alg !== "ES256" && alg !== "RS256") {
    throw new HttpFailure(401, "InvalidAuthHeader", "Invalid signature algorithm (only RS256 and ES256 are supported)");
  }
  for (const provider of providers) {
    if (provider.algorithm && provider.algorithm !== alg) continue;
    try {
      const { payload } = await jwtVerify(value, provider.keys, {
        issuer: provider.issuer, audience: provider.applicationID, algorithms: [alg],
      });
      if (typeof payload.sub !== "string") throw new Error("no sub");
      return {
        admin: false,
        identity: { ...payload, subject: payload.sub, issuer: payload.iss,
                    tokenIdentifier: `${payload.iss}|${payload.sub}` },
      };
    } catch {
      // try the next provider
    }
  }
  throw new HttpFailure(401, "NoAuthProvider", "No auth provider found matching the given token (or the token is expired or badly signed).");
}

// --- running a function --------------------------------------------------------------------------

type Outcome = { status: "success"; value: unknown; logLines: string[] }
  | { status: "error"; errorMessage: string; errorData?: unknown; logLines: string[] };

async function run(route: Kind | "any", udfPath: string, args: unknown, caller: Caller): Promise<Outcome> {
  if (typeof udfPath !== "string" || !/^[A-Za-z0-9_/.-]+(:[A-Za-z0-9_]+)?$/.test(udfPath)) {
    throw new HttpFailure(400, "BadConvexFunctionIdentifier", `Couldn't parse function path: ${String(udfPath)}`);
  }
  const fn = await lookup(udfPath);
  const kind = kindOf(fn);
  const visible = fn && kind && (fn.isPublic || caller.admin);
  if (!visible) return failed(`Could not find public function for '${udfPath}'. Did you forget to run \`npx convex dev\` or \`npx convex deploy\`?`);
  if (route !== "any" && route !== kind) {
    return failed(`Trying to execute ${udfPath} as ${route === "query" ? "Query" : route === "mutation" ? "Mutation" : "Action"}, but it is defined as ${kind}.`);
  }
  const reference = makeFunctionReference<any>(udfPath);
  const runner: any = !caller.admin && caller.identity ? t.withIdentity(caller.identity as any) : t;
  try {
    const value = await serialised(() => runner[kind](reference, args ?? {}));
    return { status: "success", value: value ?? null, logLines: [] };
  } catch (error: any) {
    if (error instanceof ConvexError || error?.name === "ConvexError") {
      return { status: "error", errorMessage: String(error.message), errorData: error.data, logLines: [] };
    }
    return failed(String(error?.message ?? error));
  }
}

function failed(message: string): Outcome {
  return { status: "error", errorMessage: message, logLines: [] };
}

// --- faults --------------------------------------------------------------------------------------

let fault: Fault = { mode: "none" };

function faultFor(urlPath: string, udfPath: string | undefined): Fault {
  if (fault.mode === "none") return fault;
  const paths = (fault as { paths?: string[] }).paths;
  if (paths && !paths.some((p) => p === urlPath || p === udfPath)) return { mode: "none" };
  return fault;
}

function parseFault(body: any): Fault {
  const mode = body?.mode;
  const paths = Array.isArray(body?.paths) ? body.paths.map(String) : undefined;
  if (mode === "none") return { mode };
  if (mode === "down" || mode === "garbage") return { mode, paths };
  if (mode === "slow" && Number.isFinite(body.delayMs) && body.delayMs >= 0) {
    return { mode, delayMs: body.delayMs, paths };
  }
  if (mode === "status" && Number.isInteger(body.status ?? 500) && (body.status ?? 500) >= 100 && (body.status ?? 500) <= 599) {
    return { mode, status: body.status ?? 500, body: body.body, paths };
  }
  throw new HttpFailure(400, "BadFault", "mode must be none, down, slow (delayMs), status (status, body) or garbage");
}

// --- HTTP ----------------------------------------------------------------------------------------

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": typeof body === "string" ? "text/plain" : "application/json",
                          "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > 16 * 1024 * 1024 + 2000) {
        reject(new HttpFailure(413, "PayloadTooLarge", "request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpFailure(400, "BadJsonBody", "Failed to deserialize the JSON body");
  }
}

async function handle(options: Options, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://standin");
  const route = url.pathname;
  if (route.startsWith("/_standin/")) return control(route, req, res);
  if (req.method !== "POST" || !route.startsWith("/api/")) {
    return send(res, 404, { code: "NotFound", message: `No route for ${req.method} ${route}` });
  }
  const text = await readBody(req);
  let kind: Kind | "any";
  let udfPath: string | undefined;
  let body: any;
  if (route.startsWith("/api/run/")) {
    kind = "any";
    const parts = route.slice("/api/run/".length).split("/").filter(Boolean);
    udfPath = parts.length > 1 ? `${parts.slice(0, -1).join("/")}:${parts.at(-1)}` : parts[0];
  } else if (["/api/query", "/api/mutation", "/api/action", "/api/function"].includes(route)) {
    kind = route === "/api/function" ? "any" : (route.slice(5) as Kind);
  } else {
    return send(res, 404, { code: "NotFound", message: `No route for POST ${route}` });
  }
  const current = faultFor(route, udfPath ?? tryPath(text));
  if (current.mode === "down") {
    req.socket.destroy();
    return;
  }
  if (current.mode === "slow") await new Promise((r) => setTimeout(r, current.delayMs));
  if (current.mode === "garbage") return send(res, 200, "<html>502 Bad Gateway</html>");
  if (current.mode === "status") {
    return send(res, current.status, current.body ?? { code: "InternalServerError", message: "Your request couldn't be completed. Try again later." });
  }
  body = parseJson(text);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpFailure(400, "BadJsonBody", "The body must be a JSON object");
  }
  if (udfPath === undefined) {
    if (typeof body.path !== "string") throw new HttpFailure(400, "BadJsonBody", "missing field `path`");
    udfPath = body.path;
  }
  if (body.format !== undefined && body.format !== "json") {
    throw new HttpFailure(400, "BadJsonBody", "format must be json");
  }
  const caller = await authenticate(req.headers.authorization, options.adminKey);
  const outcome = await run(kind, udfPath!, body.args ?? {}, caller);
  send(res, outcome.status === "error" && options.status560 ? 560 : 200, outcome);
}

function tryPath(text: string): string | undefined {
  try {
    const path = JSON.parse(text)?.path;
    return typeof path === "string" ? path : undefined;
  } catch {
    return undefined;
  }
}

async function control(route: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (route === "/_standin/health") return send(res, 200, { status: "ok" });
  if (route === "/_standin/documents" && req.method === "GET") {
    const docs = await serialised(() => t.run(async (ctx: any) => ctx.db.query("orders").collect()));
    const orders = docs.map(({ _id, _creationTime, ...order }: any) => order);
    return send(res, 200, orders);
  }
  if (req.method !== "POST") return send(res, 404, { code: "NotFound", message: `No route for ${route}` });
  const text = await readBody(req);
  if (route === "/_standin/reset") {
    await serialised(async () => {
      t = convexTest({ schema, modules, transactionLimits: true });
    });
    return send(res, 200, { status: "reset" });
  }
  if (route === "/_standin/fault") {
    fault = parseFault(text ? parseJson(text) : {});
    return send(res, 200, { fault });
  }
  send(res, 404, { code: "NotFound", message: `No route for ${route}` });
}

const options = parseOptions(process.argv.slice(2));
const sockets = new Set<Socket>();
const server = http.createServer((req, res) => {
  handle(options, req, res).catch((error) => {
    if (res.headersSent || req.socket.destroyed) return;
    if (error instanceof HttpFailure) return send(res, error.status, { code: error.code, message: error.message });
    process.stderr.write(`stand-in: ${error?.stack ?? error}\n`);
    send(res, 500, { code: "InternalServerError", message: "Your request couldn't be completed. Try again later." });
  });
});
server.on("connection", (socket) => {
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
});
server.on("clientError", (_error, socket) => socket.destroy());

function shutdown(): void {
  server.close(() => process.exit(0));
  for (const socket of sockets) socket.destroy();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

server.listen(options.port, options.host, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  process.stdout.write(JSON.stringify({ url: `http://${host}:${port}`, adminKey: options.adminKey }) + "\n");
});
