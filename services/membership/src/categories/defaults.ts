/** The categories every deployment starts with (seeded idempotently at start-up). */
export const DEFAULT_CATEGORIES: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'Gaming', description: 'Play together: game communities, clans and LFG.' },
  { name: 'Music', description: 'Artists, fans, producers and listening parties.' },
  { name: 'Education', description: 'Study groups, courses and homework help.' },
  { name: 'Science & Tech', description: 'Programming, hardware, science and research.' },
  { name: 'Entertainment', description: 'Movies, TV, anime, books and fandoms.' },
  { name: 'Art & Creativity', description: 'Drawing, writing, photography and crafts.' },
  { name: 'Sports & Fitness', description: 'Teams, training and the game last night.' },
  { name: 'Community', description: 'Local groups, hobbies and hanging out.' },
];
