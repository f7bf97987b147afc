// Every CLI answers a bad command line with what was wrong and its usage (exit 2), and --help with the usage
// (exit 0), never with a stack trace. None of these runs gets as far as starting anything.
import { spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/dev-vars.ts';

function run(script: string, args: string[]) {
  return spawnSync(process.execPath, [script, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
}

const CLIS = [
  { script: 'scripts/start.ts', usage: 'usage: npm start' },
  { script: 'scripts/dev.ts', usage: 'usage: npm run dev' },
  { script: 'scripts/match.ts', usage: 'usage: npm run match' },
  { script: 'scripts/bench.ts', usage: 'usage: npm run bench' },
  { script: 'scripts/sign-request.ts', usage: 'usage: npm run sign' },
];

describe('command lines', () => {
  it.each(CLIS)('$script refuses an unknown flag with its usage, and prints it for --help', ({ script, usage }) => {
    const bad = run(script, ['--no-such-flag']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--no-such-flag'");
    expect(bad.stderr).toContain(usage);
    expect(bad.stderr).not.toMatch(/^\s+at /m);

    const help = run(script, ['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain(usage);
  });

  it.each([
    ['scripts/start.ts', ['--port', 'abc'], '--port must be a port number'],
    ['scripts/start.ts', ['--site-port', '70000'], '--site-port must be a port number'],
    ['scripts/dev.ts', ['--port', '0'], '--port must be a port number'],
    ['scripts/bench.ts', ['--only', 'api,speed'], '--only takes groups from demo, api, build, page (got speed)'],
    ['scripts/sign-request.ts', ['GET', '/api/jobs', '--send', 'notaurl'], '--send must be an http(s) base URL'],
    ['scripts/sign-request.ts', ['POST', '/api/auth/verify', '--body', '/no/such/body.json'], 'cannot read --body /no/such/body.json'],
  ])('%s %j is refused before anything starts', (script, args, message) => {
    const bad = run(script, args);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(message);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).not.toMatch(/^\s+at /m);
  });

  it('npm run sign says which server it could not reach, without a stack trace (exit 1)', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const result = run('scripts/sign-request.ts', ['GET', '/api/jobs', '--send', `http://127.0.0.1:${port}`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`could not reach http://127.0.0.1:${port}: ECONNREFUSED`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
