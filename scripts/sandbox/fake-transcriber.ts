// An OpenAI-compatible transcription endpoint for the offline demo: POST /v1/audio/transcriptions (multipart, as
// the production HTTP transcriber sends it) answers verbose_json with the sample dataset's transcript of the clip
// named by the uploaded file, so the real HTTP adapter runs end to end.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TranscriptSegment } from '../../content-pipeline/schemas/transcript.ts';

export class FakeTranscriber {
  readonly requests: string[] = [];
  private readonly transcripts: (clipId: string) => TranscriptSegment[];
  private server: Server | undefined;
  baseUrl = '';

  constructor(transcripts: (clipId: string) => TranscriptSegment[]) {
    this.transcripts = transcripts;
  }

  async start(port = 0): Promise<string> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/v1/audio/transcriptions') {
        res.writeHead(404).end();
        return;
      }
      try {
        const form = await new Response(Buffer.concat(chunks), { headers: { 'Content-Type': req.headers['content-type'] ?? '' } }).formData();
        const file = form.get('file');
        if (!(file instanceof File) || form.get('response_format') !== 'verbose_json') throw new Error('expected a file and response_format=verbose_json');
        const clipId = file.name.replace(/\.[a-z0-9]+$/i, '');
        this.requests.push(clipId);
        const segments = this.transcripts(clipId);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ text: segments.map((s) => s.text).join(' '), language: 'english', duration: segments.at(-1)?.end ?? 0, segments }));
      } catch (error) {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { message: (error as Error).message } }));
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
