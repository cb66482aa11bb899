// Local parameters; a .libsonnet file is imported, never rendered as a manifest.
{
  name: 'guestbook-ui',
  image: 'nginx:1.25',
}
