<?xml version="1.0" encoding="utf-8"?>
<!-- Makes a feed readable when opened in a browser; feed readers ignore it. Atom and RSS 2.0. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>
  <xsl:template match="/">
    <xsl:variable name="title" select="/atom:feed/atom:title | /rss/channel/title"/>
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/>（订阅源）</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml"/>
        <link rel="stylesheet" href="/assets/site.css?v=1"/>
      </head>
      <body>
        <main id="main">
          <p class="feed-notice">这是一个订阅源（Feed）。把本页地址复制到 RSS 阅读器中即可订阅，新文章会自动送达。</p>
          <h1><xsl:value-of select="$title"/></h1>
          <p class="intro"><xsl:value-of select="/atom:feed/atom:subtitle | /rss/channel/description"/></p>
          <p><a href="{/atom:feed/atom:link[@rel='alternate']/@href | /rss/channel/link}">访问网页版 »</a></p>
          <div class="article-list">
            <xsl:for-each select="/atom:feed/atom:entry | /rss/channel/item">
              <article class="summary">
                <h2><a href="{atom:link[not(@rel) or @rel='alternate']/@href | link}"><xsl:value-of select="atom:title | title"/></a></h2>
                <p class="meta"><xsl:value-of select="atom:published | pubDate"/></p>
              </article>
            </xsl:for-each>
          </div>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
