// Site-wide constants.
export const SITE = {
  title: 'Clip Recap',
  description: "Daily recaps of a developer's Twitch streams: the best clips, with the commits, pull requests and issues behind each one.",
  lang: 'en',
} as const;
