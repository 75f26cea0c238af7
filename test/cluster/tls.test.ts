// TLS at the reverse proxy (等保 level 3: encrypted transmission), proved on a running nginx
// with the settings of server/cli/cluster/nginx.ts: TLS 1.3 and 1.2 with a forward-secret AEAD
// cipher are accepted, TLS 1.1 and a static-RSA CBC cipher are refused — each refusal with a
// positive control (the same client offer accepted by a permissive TLS server, so the refusal is
// nginx's and not the client's) — HSTS is sent, and docs/nginx.conf.example is exactly the tested
// production text and passes `nginx -t`. Needs no database: runs on both engines.
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { expect } from 'chai'
import { NGINX_BIN, freePort, nginxAvailable, productionExample, startNginx, type RunningNginx } from '../../server/cli/cluster/nginx.ts'

type Offer = tls.ConnectionOptions
const handshake = (port: number, offer: Offer) => new Promise<{ ok: boolean; protocol?: string | null; cipher?: string; error?: string }>((resolve) => {
  let c: tls.TLSSocket
  try {
    c = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost', ...offer }, () => {
      resolve({ ok: true, protocol: c.getProtocol(), cipher: c.getCipher().name })
      c.destroy()
    })
  } catch (err) {
    // this client's OpenSSL cannot make the offer at all ("no cipher match")
    resolve({ ok: false, error: (err as Error).message })
    return
  }
  c.setTimeout(10_000, () => c.destroy(new Error('handshake timed out')))
  c.on('error', (err) => resolve({ ok: false, error: err.message }))
})

describe('TLS at nginx', function () {
  this.timeout(60_000)
  let dir: string
  let cert: string
  let key: string
  let upstream: http.Server
  let nginx: RunningNginx
  let permissive: tls.Server
  let permissivePort: number

  before(async () => {
    if (!nginxAvailable()) throw new Error('nginx is not installed: apt-get install nginx (.ci/run installs it)')
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-tls-'))
    cert = path.join(dir, 'cert.pem')
    key = path.join(dir, 'key.pem')
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' })
    upstream = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, proto: req.headers['x-forwarded-proto'] })))
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
    nginx = await startNginx({ upstreams: [`127.0.0.1:${(upstream.address() as { port: number }).port}`], port: await freePort(), tls: { cert, key } })
    // the positive control: a TLS server that accepts anything down to TLS 1.0 and any cipher
    permissive = tls.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert), minVersion: 'TLSv1', ciphers: 'ALL:@SECLEVEL=0' }, (s) => s.end())
    await new Promise<void>((r) => permissive.listen(0, '127.0.0.1', r))
    permissivePort = (permissive.address() as { port: number }).port
  })

  after(async () => {
    await nginx?.stop()
    upstream?.close()
    permissive?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('serves HTTPS with TLS 1.3, sends HSTS and tells the app the scheme', async () => {
    const res = await new Promise<{ status: number; hsts: unknown; body: string; protocol: string }>((resolve, reject) => {
      const req = https.get({ host: '127.0.0.1', port: nginx.port, path: '/api/v1/x', rejectUnauthorized: false, servername: 'localhost' }, (r) => {
        let body = ''
        const protocol = (r.socket as tls.TLSSocket).getProtocol() ?? ''
        r.on('data', (c) => { body += c })
        r.on('end', () => resolve({ status: r.statusCode!, hsts: r.headers['strict-transport-security'], body, protocol }))
      })
      req.on('error', reject)
    })
    expect(res.status).to.equal(200)
    expect(res.protocol).to.equal('TLSv1.3')
    expect(res.hsts).to.equal('max-age=63072000; includeSubDomains')
    expect(JSON.parse(res.body)).to.deep.equal({ path: '/api/v1/x', proto: 'https' })
  })

  it('accepts TLS 1.2 only with a forward-secret AEAD cipher', async () => {
    const good = await handshake(nginx.port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' })
    expect(good).to.deep.include({ ok: true, protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256' })
    const chacha = await handshake(nginx.port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' })
    expect(chacha).to.deep.include({ ok: true, cipher: 'ECDHE-RSA-CHACHA20-POLY1305' })
    for (const weak of ['AES128-SHA', 'AES256-GCM-SHA384', 'ECDHE-RSA-AES128-SHA', 'DES-CBC3-SHA']) {
      const offer = { maxVersion: 'TLSv1.2' as const, ciphers: `${weak}:@SECLEVEL=0` }
      const control = await handshake(permissivePort, offer)
      if (!control.ok) continue // this client's OpenSSL cannot offer it at all: nothing to prove
      expect((await handshake(nginx.port, offer)).ok, `${weak} refused`).to.equal(false)
    }
    // at least the static-RSA CBC cipher was really offered and refused
    expect((await handshake(permissivePort, { maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA:@SECLEVEL=0' })).ok).to.equal(true)
  })

  it('refuses TLS 1.1 and 1.0 (the same offers are accepted by a permissive server)', async () => {
    for (const v of ['TLSv1.1', 'TLSv1'] as const) {
      const offer = { minVersion: v, maxVersion: v, ciphers: 'DEFAULT:@SECLEVEL=0' }
      expect(await handshake(permissivePort, offer), `${v} control`).to.deep.include({ ok: true, protocol: v })
      expect((await handshake(nginx.port, offer)).ok, `${v} refused by nginx`).to.equal(false)
    }
  })

  it('keeps docs/nginx.conf.example identical to the tested text, and nginx accepts it', () => {
    const example = productionExample()
    expect(fs.readFileSync(new URL('../../docs/nginx.conf.example', import.meta.url), 'utf8')).to.equal(example)
    // with this test's certificate and free ports, wrapped in a main context, `nginx -t` passes
    const conf = path.join(dir, 'example.conf')
    const body = example.replaceAll('/etc/ssl/gridgov/fullchain.pem', cert).replaceAll('/etc/ssl/gridgov/privkey.pem', key)
      .replace('listen 80;', 'listen 127.0.0.1:1;').replace('listen 443 ssl http2;', 'listen 127.0.0.1:2 ssl http2;')
    fs.mkdirSync(path.join(dir, 'tmp'), { recursive: true })
    fs.writeFileSync(conf, `pid ${dir}/t.pid;\nerror_log ${dir}/t.log;\nevents {}\nhttp {\n  client_body_temp_path ${dir}/tmp/b; proxy_temp_path ${dir}/tmp/p;\n  fastcgi_temp_path ${dir}/tmp/f; uwsgi_temp_path ${dir}/tmp/u; scgi_temp_path ${dir}/tmp/s;\n${body}}\n`)
    const t = spawnSync(NGINX_BIN, ['-t', '-p', dir, '-e', `${dir}/t.log`, '-c', conf], { encoding: 'utf8' })
    expect(t.status, t.stderr).to.equal(0)
    // positive control: a broken protocol list is refused by the same check
    fs.writeFileSync(conf, fs.readFileSync(conf, 'utf8').replace('ssl_protocols TLSv1.2 TLSv1.3;', 'ssl_protocols TLSv9;'))
    expect(spawnSync(NGINX_BIN, ['-t', '-p', dir, '-e', `${dir}/t.log`, '-c', conf]).status).to.not.equal(0)
  })
})
