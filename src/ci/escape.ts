/** Escaping rules of CI log commands, kept pure so every rule has a unit test. */

/** GitHub workflow-command data (the part after `::`): `%`, CR and LF. */
export function escapeGithubData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** GitHub workflow-command property values (`title=…`): the data rules plus `:` and `,`. */
export function escapeGithubProperty(text: string): string {
  return escapeGithubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::name key=value,key=value::data` */
export function githubCommand(name: string, properties: Record<string, string | undefined>, data: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${escapeGithubProperty(value)}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeGithubData(data)}`;
}

/** GitLab section names may only use `[a-z0-9_.-]`; anything else becomes `_`. */
export function gitlabSectionName(name: string): string {
  const clean = name.toLowerCase().replace(/[^a-z0-9_.-]/g, '_');
  return clean === '' ? 'section' : clean;
}

const erase = '\u001b[0K';

export function gitlabSectionStart(unixSeconds: number, name: string, header: string, collapsed: boolean): string {
  const options = collapsed ? '[collapsed=true]' : '';
  return `${erase}section_start:${unixSeconds}:${gitlabSectionName(name)}${options}\r${erase}${oneLine(header)}`;
}

export function gitlabSectionEnd(unixSeconds: number, name: string): string {
  return `${erase}section_end:${unixSeconds}:${gitlabSectionName(name)}\r${erase}`;
}

/** A header or title must stay on one line; CR and LF would break the marker. */
export function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ');
}

/** A name accepted as a GitHub step output id (and safe before `<<` in the heredoc form). */
export function isGithubOutputName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name);
}

/** `name<<DELIM\nvalue\nDELIM\n`, the multi-line form of $GITHUB_OUTPUT. The caller picks a delimiter absent from the value. */
export function githubOutputHeredoc(name: string, value: string, delimiter: string): string {
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}
