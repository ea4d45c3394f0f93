const hue = (text: string) => [...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);

/** Initials on a colour derived from the name (profile pictures arrive with profiles, SPEC 10). */
export function Avatar({ name, size = 40 }: { name: string; size?: number }) {
  const initials = name
    .split(/[\s_.-]+/)
    // Words that start with a letter: `ada_8641` is "A", not "A8".
    .filter((w) => /^\p{L}/u.test(w))
    .slice(0, 2)
    .map((w) => [...w][0]!.toUpperCase())
    .join('');
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{ width: size, height: size, fontSize: size * 0.4, background: `hsl(${hue(name)} 55% 45%)` }}
    >
      {initials || [...name][0]?.toUpperCase() || '?'}
    </span>
  );
}
