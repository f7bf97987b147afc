// The site tests serve builds with the project's static server (scripts/lib/static-server.ts).
export * from '../../../scripts/lib/static-server.ts';
