// Prose for recap bodies: an intro and a one-sentence summary per clip. The default is a deterministic template
// built only from data; a Workers AI writer may replace it in production. Either way the result is plain text that
// becomes text nodes, so it can add no link, heading or HTML, and the front matter is the same.
import type { RecapClip, RecapFrontmatter } from '../schemas/recap.ts';

export interface ProseWriter {
  readonly name: string;
  intro(input: { frontmatter: Omit<RecapFrontmatter, 'description'>; clips: readonly RecapClip[] }): Promise<string>;
  clipSummary(input: { clip: RecapClip }): Promise<string>;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function period(frontmatter: Omit<RecapFrontmatter, 'description'>): string {
  const start = new Date(frontmatter.date_range.start);
  const fmt = (d: Date) => d.toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' });
  if (frontmatter.content_type === 'daily_recap') return `On ${fmt(start)}`;
  if (frontmatter.content_type === 'weekly_summary') return `In the week starting ${fmt(start)}`;
  return `Between ${fmt(start)} and ${fmt(new Date(Date.parse(frontmatter.date_range.end) - 1))}`;
}

export const templateProse: ProseWriter = {
  name: 'template',
  async intro({ frontmatter, clips }) {
    const s = frontmatter.github_summary;
    const work = [s.commits > 0 && plural(s.commits, 'commit'), s.pull_requests > 0 && plural(s.pull_requests, 'pull request'), s.issues > 0 && plural(s.issues, 'issue')].filter(Boolean);
    const github = work.length > 0 ? `, alongside ${work.join(', ')} in ${s.repositories.join(', ')}` : '';
    const topic = frontmatter.topic ? ` about ${frontmatter.topic.replace(/-/g, ' ')}` : '';
    return `${period(frontmatter)} the stream produced ${plural(clips.length, 'clip')} worth keeping${topic}${github}.`;
  },
  async clipSummary({ clip }) {
    const strongest = [...clip.github].sort((a, b) => b.confidence - a.confidence)[0];
    if (!strongest) return 'No GitHub activity matched this moment.';
    const what = strongest.type === 'pull_request' ? `PR #${strongest.number} (${strongest.action})` : strongest.type === 'push' ? 'a commit' : strongest.type === 'issues' ? `issue #${strongest.number}` : strongest.type.replace(/_/g, ' ');
    const others = clip.github.length - 1;
    return `matched to ${what} in ${strongest.repo}${others > 0 ? ` and ${plural(others, 'more event')}` : ''}.`;
  },
};
