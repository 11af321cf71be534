<?xml version="1.0" encoding="UTF-8"?>
<!-- Shows an RSS or Atom feed of the hub as a readable page when opened in a browser. -->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom">
  <xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat"/>
  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="rss/channel/title|atom:feed/atom:title"/> (feed)</title>
        <style>
          body { font: 1.05rem/1.6 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; background: #fff; }
          .about { background: #eef5ff; border: 1px solid #0b5cad; border-radius: 8px; padding: 1rem; }
          a { color: #0b5cad; }
          li { margin-bottom: 1rem; }
          @media (prefers-color-scheme: dark) { body { color: #e8ecf1; background: #111418; } .about { background: #1b2027; } a { color: #7cb8ff; } }
        </style>
      </head>
      <body>
        <p class="about">This is a feed. Copy its address into your feed reader to follow
          <strong><xsl:value-of select="rss/channel/title|atom:feed/atom:title"/></strong>.</p>
        <h1><xsl:value-of select="rss/channel/title|atom:feed/atom:title"/></h1>
        <p><xsl:value-of select="rss/channel/description|atom:feed/atom:subtitle"/></p>
        <ul>
          <xsl:for-each select="rss/channel/item">
            <li><a href="{link}"><xsl:value-of select="title"/></a><br/><small><xsl:value-of select="pubDate"/></small></li>
          </xsl:for-each>
          <xsl:for-each select="atom:feed/atom:entry">
            <li><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a><br/><small><xsl:value-of select="atom:published"/></small></li>
          </xsl:for-each>
        </ul>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
