// nginx (Debian's package) in front of several gridgov instances, for the cluster tests, the load
// bench and `npm run cluster:demo`: writes a configuration into a prefix directory of its own and
// runs nginx as a child process in the foreground (daemon off), never as the system service.
//
// What the configuration does, and why:
// * one upstream of every instance, least_conn, keep-alive connections to them (HTTP/1.1 with
//   the Connection header cleared), so a request does not pay a TCP handshake to the app;
// * an instance that refuses the connection or times out is skipped for fail_timeout, and a request
//   it could not take goes to the next instance (proxy_next_upstream). nginx itself never resends a
//   POST/PATCH that reached an instance (non_idempotent is NOT set): a client retries those with
//   an Idempotency-Key (event intake), so a kill costs no row and doubles none;
// * /api/v1/stream (Server-Sent Events) unbuffered, without gzip, with a long read timeout (the app
//   sends a heartbeat every 15 s);
// * X-Forwarded-For is SET to the address nginx sees, not appended to: nginx is the edge, and the
//   app (TRUST_PROXY=true) takes the first address of the header, which a client could otherwise
//   choose. X-Request-Id is passed on (the app keeps a valid one, for tracing across systems);
// * gzip for JSON, GeoJSON, XML/GML and text answers (tiles are protobuf and are left alone).
// TLS is terminated here in production: see tlsDirectives(), productionExample() and docs/nginx.conf.example.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export const NGINX_BIN = process.env.NGINX_BIN ?? '/usr/sbin/nginx'

/** True when Debian's nginx is installed here (the cluster tests need it; CI installs it). */
export function nginxAvailable(): boolean {
  return fs.existsSync(NGINX_BIN)
}

export interface NginxOptions {
  /** host:port of every gridgov instance */
  upstreams: string[]
  /** the port nginx listens on (127.0.0.1) */
  port: number
  /** worker processes (default 1: this runs beside the instances on the same cores) */
  workers?: number
  /** seconds an instance that failed is left out (default 5) */
  failTimeoutS?: number
  /** write an access log into the prefix directory (default off) */
  accessLog?: boolean
  /** terminate TLS on the port with these files (PEM), with the production settings */
  tls?: { cert: string; key: string }
}

const GZIP_TYPES = ['application/json', 'application/geo+json', 'application/problem+json', 'application/schema+json',
  'application/xml', 'text/xml', 'application/gml+xml', 'application/vnd.ogc.se_xml', 'text/csv', 'text/plain',
  'text/css', 'application/javascript', 'image/svg+xml']

/** The proxy part shared by the local server block and the production TLS example. */
export function proxyLocations(upstream = 'gridgov'): string {
  return `    # the request id of the caller (or nginx's own) reaches the app and its logs
    proxy_set_header X-Request-Id $gridgov_request_id;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header Connection "";
    proxy_http_version 1.1;
    proxy_connect_timeout 2s;
    # the app ends a request after 120 s (server.requestTimeout)
    proxy_read_timeout 130s;
    proxy_send_timeout 130s;
    # a dead or refusing instance: the request goes to the next one (POST only when it never reached the first)
    proxy_next_upstream error timeout http_502 http_503 http_504;
    proxy_next_upstream_tries 3;
    proxy_next_upstream_timeout 15s;
    client_max_body_size 110m;

    # Server-Sent Events: nothing buffered, nothing compressed, an hour without a byte is allowed
    location = /api/v1/stream {
      proxy_pass http://${upstream};
      proxy_buffering off;
      proxy_cache off;
      gzip off;
      proxy_read_timeout 3600s;
    }

    location / {
      proxy_pass http://${upstream};
    }
`
}

/** The nginx.conf for a local cluster: everything under `prefix`, nothing in /etc or /var. */
export function nginxConfig(opts: NginxOptions, prefix: string): string {
  if (opts.upstreams.length === 0) throw new Error('nginx: at least one upstream instance is needed')
  for (const u of opts.upstreams) if (!/^[0-9a-zA-Z.[\]:-]+:\d{1,5}$/.test(u)) throw new Error(`nginx: bad upstream ${JSON.stringify(u)}`)
  const p = (f: string) => path.join(prefix, f)
  const servers = opts.upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=${opts.failTimeoutS ?? 5}s;`).join('\n')
  return `# written by server/cli/cluster/nginx.ts: gridgov behind nginx on this machine
worker_processes ${opts.workers ?? 1};
daemon off;
pid ${p('nginx.pid')};
error_log ${p('error.log')} warn;
events { worker_connections 4096; }
http {
  ${opts.accessLog ? `access_log ${p('access.log')};` : 'access_log off;'}
  client_body_temp_path ${p('tmp/body')};
  proxy_temp_path ${p('tmp/proxy')};
  fastcgi_temp_path ${p('tmp/fastcgi')};
  uwsgi_temp_path ${p('tmp/uwsgi')};
  scgi_temp_path ${p('tmp/scgi')};
  default_type application/octet-stream;
  server_tokens off;
  sendfile on;
  tcp_nodelay on;
  keepalive_timeout 65s;
  keepalive_requests 10000;

  gzip on;
  gzip_proxied any;
  gzip_min_length 1024;
  gzip_vary on;
  gzip_types ${GZIP_TYPES.join(' ')};

  map $http_x_request_id $gridgov_request_id {
    default $request_id;
    "~^[A-Za-z0-9._-]{1,64}$" $http_x_request_id;
  }

  upstream gridgov {
    least_conn;
${servers}
    keepalive 64;
    keepalive_requests 10000;
    # below Node's keepAliveTimeout (5 s): nginx never reuses a connection the app is closing
    keepalive_timeout 4s;
  }

  server {
    listen 127.0.0.1:${opts.port}${opts.tls ? ' ssl' : ''};
${opts.tls ? tlsDirectives(opts.tls.cert, opts.tls.key) : ''}${proxyLocations()}  }
}
`
}

/** The TLS settings (test/cluster/tls.test.ts proves them on a running nginx): TLS 1.2 and 1.3
 *  only, forward-secret AEAD ciphers only (ECDHE with AES-GCM or ChaCha20-Poly1305), no session
 *  tickets (their key would undo forward secrecy), HSTS for two years. */
export function tlsDirectives(cert: string, key: string): string {
  return `    ssl_certificate     ${cert};
    ssl_certificate_key ${key};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
    ssl_prefer_server_ciphers off;
    ssl_session_timeout 1d;
    ssl_session_cache shared:gridgov_tls:10m;
    ssl_session_tickets off;
    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
`
}

/** docs/nginx.conf.example: the production server blocks (TLS at nginx, HTTP redirected), same proxy settings. */
export function productionExample(): string {
  return `# gridgov behind nginx in production: the http { } part of /etc/nginx/nginx.conf (or a file in
# /etc/nginx/conf.d/). Generated from server/cli/cluster/nginx.ts (productionExample); the TLS
# settings are proved on a running nginx by test/cluster/tls.test.ts, the proxy settings by
# test/cluster/instances.test.ts. Run each instance with TRUST_PROXY=true, the same AUTH_SECRET
# and DATABASE_URL, and HOST=127.0.0.1 (or a private address) so only nginx reaches it.

map $http_x_request_id $gridgov_request_id {
  default $request_id;
  "~^[A-Za-z0-9._-]{1,64}$" $http_x_request_id;
}

upstream gridgov {
  least_conn;
  server 10.0.0.11:3000 max_fails=1 fail_timeout=5s;
  server 10.0.0.12:3000 max_fails=1 fail_timeout=5s;
  keepalive 64;
  keepalive_requests 10000;
  keepalive_timeout 4s;
}

gzip on;
gzip_proxied any;
gzip_min_length 1024;
gzip_vary on;
gzip_types ${GZIP_TYPES.join(' ')};
server_tokens off;

server {
  listen 80;
  server_name grid.example.gov.cn;
  return 301 https://$host$request_uri;
}

server {
  listen 443 ssl http2;
  server_name grid.example.gov.cn;
${tlsDirectives('/etc/ssl/gridgov/fullchain.pem', '/etc/ssl/gridgov/privkey.pem')}    # OCSP stapling needs a resolver and a certificate from a CA
    ssl_stapling on;
    ssl_stapling_verify on;
    resolver 127.0.0.53 valid=300s;
${proxyLocations()}}
`
}

export interface RunningNginx {
  /** http://127.0.0.1:<port> */
  origin: string
  port: number
  prefix: string
  config: string
  /** Stops nginx (SIGQUIT: graceful; SIGTERM after 5 s) and removes its prefix directory. */
  stop(): Promise<void>
}

/** Writes the configuration, checks it with `nginx -t`, starts nginx and waits until it accepts connections. */
export async function startNginx(opts: NginxOptions): Promise<RunningNginx> {
  if (!nginxAvailable()) throw new Error(`nginx is not installed (${NGINX_BIN}): apt-get install nginx`)
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-nginx-'))
  // as root nginx's workers run as nobody: they must reach the temporary directories
  fs.chmodSync(prefix, 0o755)
  fs.mkdirSync(path.join(prefix, 'tmp'))
  const config = nginxConfig(opts, prefix)
  const file = path.join(prefix, 'nginx.conf')
  fs.writeFileSync(file, config)
  const args = ['-p', prefix, '-e', path.join(prefix, 'error.log'), '-c', file]
  await checkConfig(args)
  const child = spawn(NGINX_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString() })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const cleanup = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM') }
  process.once('exit', cleanup)
  try {
    await waitForPort(opts.port, child, () => stderr + readLog(prefix))
  } catch (err) {
    cleanup()
    await exited
    throw err
  }
  return {
    origin: `http://127.0.0.1:${opts.port}`, port: opts.port, prefix, config,
    async stop() {
      process.removeListener('exit', cleanup)
      await stopChild(child, exited)
      fs.rmSync(prefix, { recursive: true, force: true })
    },
  }
}

async function checkConfig(args: string[]): Promise<void> {
  const t = spawn(NGINX_BIN, ['-t', '-q', ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  t.stderr!.on('data', (c: Buffer) => { err += c.toString() })
  const code = await new Promise<number | null>((resolve) => t.once('exit', resolve))
  if (code !== 0) throw new Error(`nginx refused its configuration: ${err.trim()}`)
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGQUIT')
  const timer = setTimeout(() => child.kill('SIGTERM'), 5000)
  await exited
  clearTimeout(timer)
}

function readLog(prefix: string): string {
  try { return fs.readFileSync(path.join(prefix, 'error.log'), 'utf8') } catch { return '' }
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`nginx exited at start: ${log().trim()}`)
    if (await canConnect(port)) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`nginx did not listen on ${port} within 10 s: ${log().trim()}`)
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true) })
    s.once('error', () => resolve(false))
  })
}

/** A free loopback TCP port (asked from the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}
