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
        <title><xsl:apply-templates select="rss/channel/title|atom:feed/atom:title" mode="text"/> (feed)</title>
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
          <strong><xsl:apply-templates select="rss/channel/title|atom:feed/atom:title" mode="text"/></strong>.</p>
        <h1><xsl:apply-templates select="rss/channel/title|atom:feed/atom:title" mode="text"/></h1>
        <p><xsl:apply-templates select="rss/channel/description|atom:feed/atom:subtitle" mode="text"/></p>
        <ul>
          <xsl:for-each select="rss/channel/item">
            <li><a href="{link}"><xsl:apply-templates select="title" mode="text"/></a><br/><small><xsl:value-of select="pubDate"/></small></li>
          </xsl:for-each>
          <xsl:for-each select="atom:feed/atom:entry">
            <li><a href="{atom:link[@rel='alternate']/@href}"><xsl:apply-templates select="atom:title" mode="text"/></a><br/><small><xsl:value-of select="atom:published"/></small></li>
          </xsl:for-each>
        </ul>
      </body>
    </html>
  </xsl:template>

  <!-- Atom's titles are text: shown as they are. -->
  <xsl:template match="atom:*" mode="text">
    <xsl:value-of select="."/>
  </xsl:template>

  <!-- RSS's titles and descriptions are HTML-escaped text (feed readers take them as
       HTML): &lt; &gt; &amp; are decoded back into characters, which the html output
       then escapes again. Never disable-output-escaping: that would make them markup. -->
  <xsl:template match="*" mode="text">
    <xsl:call-template name="unescape">
      <xsl:with-param name="text" select="string(.)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="unescape">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($text, '&amp;')">
        <xsl:value-of select="substring-before($text, '&amp;')"/>
        <xsl:variable name="rest" select="substring-after($text, '&amp;')"/>
        <xsl:choose>
          <xsl:when test="starts-with($rest, 'lt;')">&lt;<xsl:call-template name="unescape"><xsl:with-param name="text" select="substring($rest, 4)"/></xsl:call-template></xsl:when>
          <xsl:when test="starts-with($rest, 'gt;')">&gt;<xsl:call-template name="unescape"><xsl:with-param name="text" select="substring($rest, 4)"/></xsl:call-template></xsl:when>
          <xsl:when test="starts-with($rest, 'amp;')">&amp;<xsl:call-template name="unescape"><xsl:with-param name="text" select="substring($rest, 5)"/></xsl:call-template></xsl:when>
          <xsl:otherwise>&amp;<xsl:call-template name="unescape"><xsl:with-param name="text" select="$rest"/></xsl:call-template></xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$text"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
