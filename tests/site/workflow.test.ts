// .github/workflows/pages.yml: the Cloudflare Pages preview and production deploys of the site.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/build.ts';

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: { pull_request?: unknown; push?: { branches?: string[] } };
  permissions: Record<string, string>;
  concurrency: { group: string };
  jobs: Record<string, Job>;
}

const source = readFileSync(join(ROOT, '.github/workflows/pages.yml'), 'utf8');
const workflow = loadYaml(source, { filename: 'pages.yml' }) as Workflow;
const jobs = Object.values(workflow.jobs);
const steps = jobs.flatMap((j) => j.steps);
const runs = (needle: RegExp) => steps.filter((s) => s.run && needle.test(s.run));

describe('pages workflow', () => {
  it('runs on pull requests and on pushes to main', () => {
    expect(workflow.on).toHaveProperty('pull_request');
    expect(workflow.on.push?.branches).toEqual(['main']);
  });

  it('has least-privilege permissions and a concurrency group per ref', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    for (const job of jobs) {
      for (const [scope, level] of Object.entries(job.permissions ?? {})) {
        expect(['contents', 'pull-requests', 'deployments'], scope).toContain(scope);
        expect(level, scope).toBe(scope === 'contents' ? 'read' : 'write');
      }
    }
    expect(workflow.concurrency.group).toContain('${{ github.ref }}');
  });

  it('sets up Node 24, installs, and runs the tests before any deploy', () => {
    const setup = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(String(setup?.with?.['node-version'])).toBe('24');
    const order = (re: RegExp) => steps.findIndex((s) => s.run && re.test(s.run));
    expect(order(/npm (ci|install)/)).toBeGreaterThanOrEqual(0);
    expect(order(/npm test/)).toBeGreaterThan(order(/npm (ci|install)/));
    expect(order(/wrangler pages deploy/)).toBeGreaterThan(order(/npm test/));
  });

  it('builds a preview (SITE_PREVIEW=1) for pull requests and a production build for main', () => {
    const builds = runs(/scripts\/site\/build\.mjs|site:build/);
    const preview = builds.find((s) => s.if?.includes("github.event_name == 'pull_request'"));
    const production = builds.find((s) => s.if?.includes("github.event_name == 'push'"));
    expect(preview?.env?.SITE_PREVIEW).toBe('1');
    expect(production).toBeDefined();
    expect(production?.env?.SITE_PREVIEW).toBeUndefined();
  });

  it('deploys dist with wrangler pages deploy, a --branch, and the Cloudflare secrets', () => {
    const [deploy] = runs(/wrangler pages deploy/);
    expect(deploy).toBeDefined();
    expect(deploy!.run).toMatch(/wrangler pages deploy dist\b/);
    expect(deploy!.run).toMatch(/--project-name=clip-recap/);
    expect(deploy!.run).toMatch(/--branch=/);
    expect(deploy!.env?.CLOUDFLARE_API_TOKEN).toBe('${{ secrets.CLOUDFLARE_API_TOKEN }}');
    expect(deploy!.env?.CLOUDFLARE_ACCOUNT_ID).toBe('${{ secrets.CLOUDFLARE_ACCOUNT_ID }}');
    // PR branches deploy to their own alias, main to production; the branch name is passed via env, not interpolated.
    expect(deploy!.env?.BRANCH).toContain('github.head_ref');
    expect(deploy!.env?.BRANCH).toContain("'main'");
    expect(deploy!.run).not.toContain('${{');
  });

  it('comments the preview URL on the PR, updating one comment', () => {
    const comment = steps.find((s) => s.uses?.startsWith('actions/github-script@'));
    expect(comment?.if).toContain("github.event_name == 'pull_request'");
    expect(comment?.env?.PREVIEW_URL).toContain('steps.deploy.outputs.url');
    const script = String(comment?.with?.script);
    expect(script).toContain('updateComment');
    expect(script).toContain('createComment');
    expect(script).toMatch(/marker/);
  });

  it('pins every action to a version', () => {
    const uses = steps.map((s) => s.uses).filter((u): u is string => !!u);
    expect(uses.length).toBeGreaterThanOrEqual(3);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
  });
});
