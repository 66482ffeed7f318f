<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>clipfind::BertClipEncoder</name>
    <message>
        <source>%1: not a model folder (a multilingual or Chinese-CLIP model is a folder)</source>
        <translation>%1：不是模型文件夹（多语言模型或 Chinese-CLIP 模型是一个文件夹）</translation>
    </message>
    <message>
        <source>%1: the vocabulary has %2 pieces but the model&apos;s embedding only %3</source>
        <translation>%1：词表有 %2 个词元，但模型的嵌入层只有 %3 个</translation>
    </message>
    <message>
        <source>%1: this text model has no image tower; images are encoded by the CLIP model it was trained against</source>
        <translation>%1：此文本模型没有图像塔；图像由它所对齐训练的 CLIP 模型编码</translation>
    </message>
</context>
<context>
    <name>clipfind::BrowseModel</name>
    <message>
        <source>%1 %2</source>
        <comment>month header: the month&apos;s name, the year</comment>
        <translation>%2年%1</translation>
    </message>
    <message>
        <source>1 photo</source>
        <translation>1 张照片</translation>
    </message>
    <message>
        <source>%1 photos</source>
        <translation>%1 张照片</translation>
    </message>
    <message>
        <source>Taken %1</source>
        <translation>拍摄于 %1</translation>
    </message>
    <message>
        <source>File date %1</source>
        <translation>文件日期 %1</translation>
    </message>
</context>
<context>
    <name>clipfind::BrowseView</name>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
</context>
<context>
    <name>clipfind::ChineseClipEncoder</name>
    <message>
        <source>%1: the Chinese-CLIP folder has no model.safetensors</source>
        <translation>%1：Chinese-CLIP 文件夹中没有 model.safetensors</translation>
    </message>
    <message>
        <source>%1: not a Chinese-CLIP model folder (no such folder)</source>
        <translation>%1：不是 Chinese-CLIP 模型文件夹（文件夹不存在）</translation>
    </message>
    <message>
        <source>%1: not a Chinese-CLIP model folder (config.json missing, unreadable or without model_type &quot;chinese_clip&quot;)</source>
        <translation>%1：不是 Chinese-CLIP 模型文件夹（config.json 缺失、无法读取或没有 model_type “chinese_clip”）</translation>
    </message>
    <message>
        <source>%1: the Chinese-CLIP folder has no image tower</source>
        <translation>%1：Chinese-CLIP 文件夹中没有图像塔</translation>
    </message>
</context>
<context>
    <name>clipfind::ClipEncoder</name>
    <message>
        <source>%1: not a model file</source>
        <translation>%1：不是模型文件</translation>
    </message>
    <message>
        <source>%1: a model with its own image tower cannot be paired with another CLIP model</source>
        <translation>%1：自带图像塔的模型不能与另一个 CLIP 模型搭配</translation>
    </message>
    <message>
        <source>%1: its text features have %2 values, this CLIP model&apos;s %3: it was trained for another image model</source>
        <translation>%1：它的文本特征有 %2 个值，而此 CLIP 模型的有 %3 个：它是为另一个图像模型训练的</translation>
    </message>
    <message>
        <source>%1: the image tower is not ready</source>
        <translation>%1：图像塔尚未就绪</translation>
    </message>
</context>
<context>
    <name>clipfind::DiscoveredModel</name>
    <message>
        <source>ClipFind models</source>
        <translation>ClipFind 模型文件夹</translation>
    </message>
    <message>
        <source>chosen file</source>
        <translation>所选文件</translation>
    </message>
</context>
<context>
    <name>clipfind::DuplicateCardDelegate</name>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Trash</source>
        <translation>移到回收站</translation>
    </message>
    <message>
        <source>Best</source>
        <translation>最佳</translation>
    </message>
    <message>
        <source>Move to trash</source>
        <translation>移到回收站</translation>
    </message>
</context>
<context>
    <name>clipfind::DuplicateFinder</name>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>%1: cannot be read</source>
        <translation>%1：无法读取</translation>
    </message>
    <message>
        <source>cannot compare the photos (%1)</source>
        <translation>无法比较这些照片（%1）</translation>
    </message>
</context>
<context>
    <name>clipfind::DuplicatesDialog</name>
    <message>
        <source>Click a photo&apos;s box to keep it or not · Space previews · Double-click opens</source>
        <translation>点击照片的复选框决定是否保留 · 空格键预览 · 双击打开</translation>
    </message>
    <message>
        <source>Find Duplicates</source>
        <translation>查找重复照片</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Each group keeps at least one photo: keep another one of this group first.</source>
        <translation>每组至少保留一张照片：请先保留这一组中的另一张。</translation>
    </message>
    <message>
        <source>Search &amp;Again</source>
        <translation>重新查找(&amp;A)</translation>
    </message>
    <message>
        <source>Look again, with the photos indexed since</source>
        <translation>重新查找，包括此后新索引的照片</translation>
    </message>
    <message>
        <source>&amp;Move to Trash…</source>
        <translation>移到回收站(&amp;M)…</translation>
    </message>
    <message>
        <source>Move the photos marked for the trash there, after asking (they can be restored)</source>
        <translation>确认后将标记的照片移到回收站（可以恢复）</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <source>Duplicates in %1 — ClipFind</source>
        <translation>%1 中的重复照片 — ClipFind</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>重复照片</translation>
    </message>
    <message>
        <source>Duplicates in %1</source>
        <translation>%1 中的重复照片</translation>
    </message>
    <message>
        <source>Looking for duplicates in %1…</source>
        <translation>正在 %1 中查找重复照片…</translation>
    </message>
    <message>
        <source>Indexing is not finished: the photos indexed so far are compared.</source>
        <translation>索引尚未完成：只比较目前已索引的照片。</translation>
    </message>
    <message>
        <source>Checking the look-alike photos: %1 of %2</source>
        <translation>正在核对相似的照片：第 %1 张，共 %2 张</translation>
    </message>
    <message>
        <source>The search was stopped before it finished. Search again to see the groups.</source>
        <translation>查找在完成前被停止。重新查找即可看到各组照片。</translation>
    </message>
    <message>
        <source>Indexing was still running: photos not indexed yet were not compared. Search again when it is done.</source>
        <translation>查找时索引仍在进行：尚未索引的照片没有参与比较。索引完成后请重新查找。</translation>
    </message>
    <message>
        <source>1 photo could not be checked and was left out: %1</source>
        <translation>有 1 张照片无法核对，已略过：%1</translation>
    </message>
    <message>
        <source>%1 photos could not be checked and were left out, such as %2</source>
        <translation>有 %1 张照片无法核对，已略过，例如 %2</translation>
    </message>
    <message>
        <source>Cannot look for duplicates in %1.</source>
        <translation>无法在 %1 中查找重复照片。</translation>
    </message>
    <message>
        <source>No duplicates found in %1.</source>
        <translation>在 %1 中没有找到重复照片。</translation>
    </message>
    <message>
        <source>1 photo compared.</source>
        <translation>已比较 1 张照片。</translation>
    </message>
    <message>
        <source>%1 photos compared.</source>
        <translation>已比较 %1 张照片。</translation>
    </message>
    <message>
        <source>1 group</source>
        <translation>1 组</translation>
    </message>
    <message>
        <source>%1 groups</source>
        <translation>%1 组</translation>
    </message>
    <message>
        <source>%1 · nothing marked for the trash</source>
        <translation>%1 · 没有标记要移到回收站的照片</translation>
    </message>
    <message>
        <source>1 duplicate</source>
        <translation>1 张重复照片</translation>
    </message>
    <message>
        <source>%1 duplicates</source>
        <translation>%1 张重复照片</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 to free</source>
        <translation>%1 · %2 · 可释放 %3</translation>
    </message>
    <message>
        <source>Photos that look the same: re-saved, resized, converted, burst neighbours</source>
        <translation>看起来相同的照片：重新保存、缩放、转换格式或连拍中相邻的照片</translation>
    </message>
    <message>
        <source>The photos marked for the trash are not there any more.</source>
        <translation>标记要移到回收站的照片已经不在原处了。</translation>
    </message>
    <message>
        <source>Move to Trash</source>
        <translation>移到回收站</translation>
    </message>
    <message>
        <source>The photos marked “Keep” stay where they are. The others can be restored from the trash.</source>
        <translation>标记为“保留”的照片留在原处。其余照片可以从回收站恢复。</translation>
    </message>
    <message>
        <source>Moving %1 to the trash…</source>
        <translation>正在将 %1 移到回收站…</translation>
    </message>
    <message>
        <source>1 file</source>
        <translation>1 个文件</translation>
    </message>
    <message>
        <source>%1 files</source>
        <translation>%1 个文件</translation>
    </message>
    <message>
        <source>Moved %1 (%2) to the trash.</source>
        <translation>已将 %1（%2）移到回收站。</translation>
    </message>
    <message>
        <source>Nothing could be moved to the trash; the files stay where they are:</source>
        <translation>没有文件能移到回收站；这些文件仍在原处：</translation>
    </message>
    <message>
        <source>Moved %1 (%2) to the trash. These stay where they are:</source>
        <translation>已将 %1（%2）移到回收站。以下文件仍在原处：</translation>
    </message>
    <message>
        <source>… and %1 more</source>
        <translation>… 以及另外 %1 个</translation>
    </message>
    <message>
        <source>No duplicates left in %1.</source>
        <translation>%1 中已没有重复照片。</translation>
    </message>
</context>
<context>
    <name>clipfind::DuplicatesModel</name>
    <message>
        <source>%1 photos</source>
        <translation>%1 张照片</translation>
    </message>
    <message>
        <source>similarity %1</source>
        <translation>相似度 %1</translation>
    </message>
    <message>
        <source>all kept</source>
        <translation>全部保留</translation>
    </message>
    <message>
        <source>%1 to free</source>
        <translation>可释放 %1</translation>
    </message>
    <message>
        <source>%1, %2, %3, %4</source>
        <translation>%1，%2，%3，%4</translation>
    </message>
    <message>
        <source>to be moved to the trash</source>
        <translation>将移到回收站</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>%1 pixels</source>
        <translation>%1 像素</translation>
    </message>
    <message>
        <source>Taken %1</source>
        <translation>拍摄于 %1</translation>
    </message>
    <message>
        <source>File date %1</source>
        <translation>文件日期 %1</translation>
    </message>
    <message>
        <source>Suggested to keep: the largest, then the earliest</source>
        <translation>建议保留：分辨率最大的，其次是最早的</translation>
    </message>
</context>
<context>
    <name>clipfind::DuplicatesView</name>
    <message>
        <source>Duplicates</source>
        <translation>重复照片</translation>
    </message>
</context>
<context>
    <name>clipfind::Engine</name>
    <message>
        <source>cannot load the model engine %1: %2</source>
        <translation>无法加载模型引擎 %1：%2</translation>
    </message>
</context>
<context>
    <name>clipfind::FailuresDialog</name>
    <message>
        <source>Reading the list…</source>
        <translation>正在读取列表…</translation>
    </message>
    <message>
        <source>Photos that could not be read</source>
        <translation>无法读取的照片</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>&amp;Copy list</source>
        <translation>复制列表(&amp;C)</translation>
    </message>
    <message>
        <source>1 photo</source>
        <translation>1 张照片</translation>
    </message>
    <message>
        <source>%1 photos</source>
        <translation>%1 张照片</translation>
    </message>
    <message>
        <source>Cannot read the list: %1</source>
        <translation>无法读取列表：%1</translation>
    </message>
    <message>
        <source>%1 could not be read. They are tried again when they change.</source>
        <translation>%1无法读取。它们有改动时会重新尝试。</translation>
    </message>
</context>
<context>
    <name>clipfind::FileHash</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
</context>
<context>
    <name>clipfind::FolderSidebar</name>
    <message>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
</context>
<context>
    <name>clipfind::FolderTreeModel</name>
    <message>
        <source>%1
1 photo</source>
        <translation>%1
1 张照片</translation>
    </message>
    <message>
        <source>%1
%2 photos</source>
        <translation>%1
%2 张照片</translation>
    </message>
    <message>
        <source>%1, %2 photos</source>
        <translation>%1，%2 张照片</translation>
    </message>
</context>
<context>
    <name>clipfind::FolderWatcher</name>
    <message>
        <source>%1: not a folder</source>
        <translation>%1：不是文件夹</translation>
    </message>
    <message>
        <source>%1: cannot watch folder (inotify watch limit fs.inotify.max_user_watches reached?)</source>
        <translation>%1：无法监视文件夹（可能达到了系统的 inotify 监视上限 fs.inotify.max_user_watches）</translation>
    </message>
</context>
<context>
    <name>clipfind::ImageDecoder</name>
    <message>
        <source>libheif error %1</source>
        <translation>libheif 错误 %1</translation>
    </message>
    <message>
        <source>out of memory</source>
        <translation>内存不足</translation>
    </message>
    <message>
        <source>truncated or corrupt %1 file (%2)</source>
        <translation>%1 文件不完整或已损坏（%2）</translation>
    </message>
    <message>
        <source>%1 file has no primary image (%2)</source>
        <translation>%1 文件中没有主图像（%2）</translation>
    </message>
    <message>
        <source>truncated or corrupt %1 header (no image size)</source>
        <translation>%1 文件头不完整或已损坏（没有图像尺寸）</translation>
    </message>
    <message>
        <source>cannot decode %1 data (%2)</source>
        <translation>无法解码 %1 数据（%2）</translation>
    </message>
    <message>
        <source>cannot decode %1 data (decoded %2 x %3, the header says %4 x %5)</source>
        <translation>无法解码 %1 数据（解码得到 %2 x %3，文件头写的是 %4 x %5）</translation>
    </message>
    <message>
        <source>out of memory (%1 x %2)</source>
        <translation>内存不足（%1 x %2）</translation>
    </message>
    <message>
        <source>cannot decode HEIF data (%1)</source>
        <translation>无法解码 HEIF 数据（%1）</translation>
    </message>
    <message>
        <source>cannot decode HEIF data (unknown error)</source>
        <translation>无法解码 HEIF 数据（未知错误）</translation>
    </message>
    <message>
        <source>malformed TIFF header (%1 %2 entries: the image size is given twice)</source>
        <translation>TIFF 文件头格式错误（%1 个 %2 条目：图像尺寸给出了两次）</translation>
    </message>
    <message>
        <source>malformed JPEG header (%1 start-of-frame markers: the image size is given more than once)</source>
        <translation>JPEG 文件头格式错误（%1 个帧起始标记：图像尺寸给出了不止一次）</translation>
    </message>
    <message>
        <source>unsupported sample format (OpenCV depth %1)</source>
        <translation>不支持的采样格式（OpenCV 深度 %1）</translation>
    </message>
    <message>
        <source>unsupported number of channels (%1)</source>
        <translation>不支持的通道数（%1）</translation>
    </message>
    <message>
        <source>cannot decode GIF data (%1)</source>
        <translation>无法解码 GIF 数据（%1）</translation>
    </message>
    <message>
        <source>decoded as %1 x %2, but the header says %3 x %4</source>
        <translation>解码得到 %1 x %2，但文件头写的是 %3 x %4</translation>
    </message>
    <message>
        <source>out of memory converting the GIF frame</source>
        <translation>转换 GIF 帧时内存不足</translation>
    </message>
    <message>
        <source>(no path)</source>
        <translation>（无路径）</translation>
    </message>
    <message>
        <source>file is empty (0 bytes)</source>
        <translation>文件为空（0 字节）</translation>
    </message>
    <message>
        <source>file is too large (%1 MB)</source>
        <translation>文件太大（%1 MB）</translation>
    </message>
    <message>
        <source>not a supported image (unrecognized content, %1 bytes)</source>
        <translation>不是支持的图像格式（无法识别的内容，%1 字节）</translation>
    </message>
    <message>
        <source>image too large (%1 x %2 = %3 megapixels; the limit is %4 megapixels, %5 pixels a side)</source>
        <translation>图像太大（%1 x %2 = %3 百万像素；上限为 %4 百万像素，每边 %5 像素）</translation>
    </message>
    <message>
        <source>animated WebP is not supported</source>
        <translation>不支持动态 WebP</translation>
    </message>
    <message>
        <source>truncated or corrupt JPEG data (no end-of-image marker)</source>
        <translation>JPEG 数据不完整或已损坏（没有图像结束标记）</translation>
    </message>
    <message>
        <source>truncated or corrupt %1 data</source>
        <translation>%1 数据不完整或已损坏</translation>
    </message>
    <message>
        <source>is a directory, not an image file</source>
        <translation>是文件夹，不是图像文件</translation>
    </message>
    <message>
        <source>%1: embedded JPEG preview</source>
        <translation>%1：内嵌的 JPEG 预览图</translation>
    </message>
    <message>
        <source>not a JPEG</source>
        <translation>不是 JPEG</translation>
    </message>
    <message>
        <source>cannot decode %1 data (truncated or corrupt)</source>
        <translation>无法解码 %1 数据（不完整或已损坏）</translation>
    </message>
    <message>
        <source>internal error: decoded image was not written in place</source>
        <translation>内部错误：解码后的图像没有写入预定位置</translation>
    </message>
    <message>
        <source>cannot decode %1 data (unknown error)</source>
        <translation>无法解码 %1 数据（未知错误）</translation>
    </message>
    <message>
        <source>image too large (%1 x %2 = %3 megapixels; the limit is %4)</source>
        <translation>图像太大（%1 x %2 = %3 百万像素；上限为 %4）</translation>
    </message>
    <message>
        <source>truncated or corrupt RAW header (no image size)</source>
        <translation>RAW 文件头不完整或已损坏（没有图像尺寸）</translation>
    </message>
    <message>
        <source>truncated or corrupt RAW data (LibRaw: %1)</source>
        <translation>RAW 数据不完整或已损坏（LibRaw：%1）</translation>
    </message>
    <message>
        <source>corrupt RAW data (LibRaw found %1 data error(s))</source>
        <translation>RAW 数据已损坏（LibRaw 发现 %1 处数据错误）</translation>
    </message>
    <message>
        <source>cannot process RAW data (LibRaw: %1)</source>
        <translation>无法处理 RAW 数据（LibRaw：%1）</translation>
    </message>
    <message>
        <source>unexpected RAW output (%1 x %2, %3 channel(s) of %4 bits)</source>
        <translation>意外的 RAW 输出（%1 x %2，%3 个 %4 位通道）</translation>
    </message>
    <message>
        <source>not a supported RAW file (LibRaw: %1)</source>
        <translation>不是支持的 RAW 文件（LibRaw：%1）</translation>
    </message>
    <message>
        <source>truncated or corrupt %1 file (LibRaw: %2)</source>
        <translation>%1 文件不完整或已损坏（LibRaw：%2）</translation>
    </message>
    <message>
        <source>truncated %1 file (its raw data, bytes %2 to %3, runs past its end at %4)</source>
        <translation>%1 文件不完整（其原始数据位于第 %2 到 %3 字节，超出了文件末尾 %4）</translation>
    </message>
    <message>
        <source>cannot decode RAW data (%1)</source>
        <translation>无法解码 RAW 数据（%1）</translation>
    </message>
    <message>
        <source>cannot decode RAW data (unknown error)</source>
        <translation>无法解码 RAW 数据（未知错误）</translation>
    </message>
</context>
<context>
    <name>clipfind::ImagePreprocessor</name>
    <message>
        <source>invalid model input size %1</source>
        <translation>无效的模型输入尺寸 %1</translation>
    </message>
    <message>
        <source>empty image</source>
        <translation>空图像</translation>
    </message>
    <message>
        <source>out of memory converting a %1 x %2 image</source>
        <translation>转换 %1 x %2 的图像时内存不足</translation>
    </message>
    <message>
        <source>preprocessing failed (%1)</source>
        <translation>预处理失败（%1）</translation>
    </message>
</context>
<context>
    <name>clipfind::Indexer</name>
    <message>
        <source>not inside the indexed folder %1</source>
        <translation>不在正在索引的文件夹 %1 之内</translation>
    </message>
    <message>
        <source>%1: not a folder or not readable</source>
        <translation>%1：不是文件夹或无法读取</translation>
    </message>
    <message>
        <source>needs about %1 of memory to decode%2, more than the indexer&apos;s %3 budget</source>
        <translation>解码需要约 %1 内存%2，超过了索引器 %3 的预算</translation>
    </message>
    <message>
        <source>file is too large (%1 MB)</source>
        <translation>文件太大（%1 MB）</translation>
    </message>
    <message>
        <source> (%1 x %2 pixels)</source>
        <translation>（%1 x %2 像素）</translation>
    </message>
</context>
<context>
    <name>clipfind::IndexingStatus</name>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分钟</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop indexing (what is indexed stays; the next start goes on from there)</source>
        <translation>停止索引（已索引的内容会保留，下次从这里继续）</translation>
    </message>
    <message>
        <source>List the photos that could not be read, with the reasons</source>
        <translation>列出无法读取的照片及原因</translation>
    </message>
    <message>
        <source>Looking for photos… %1 found</source>
        <translation>正在查找照片… 已找到 %1 张</translation>
    </message>
    <message>
        <source>Checking %1 new or changed photos…</source>
        <translation>正在检查 %1 张新增或改动的照片…</translation>
    </message>
    <message>
        <source>Indexing %1 of %2 photos</source>
        <translation>正在索引照片：%1 / %2</translation>
    </message>
    <message>
        <source> · %1 photos/s</source>
        <translation> · 每秒 %1 张</translation>
    </message>
    <message>
        <source> · about %1 left</source>
        <translation> · 约剩 %1</translation>
    </message>
    <message>
        <source>%1 unreadable</source>
        <translation>%1 张无法读取</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Resume indexing</source>
        <translation>继续索引</translation>
    </message>
    <message>
        <source>Indexing paused</source>
        <translation>索引已暂停</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause indexing (searching keeps working)</source>
        <translation>暂停索引（搜索仍可使用）</translation>
    </message>
    <message>
        <source>Looking for photos…</source>
        <translation>正在查找照片…</translation>
    </message>
    <message>
        <source>Indexing stopped: %1</source>
        <translation>索引已停止：%1</translation>
    </message>
    <message>
        <source>Indexing stopped; %1 photos were indexed</source>
        <translation>索引已停止；已索引 %1 张照片</translation>
    </message>
    <message>
        <source>%1 photos up to date</source>
        <translation>%1 张照片均已是最新</translation>
    </message>
    <message>
        <source>Updated: %1 new or changed, %2 removed</source>
        <translation>已更新：%1 张新增或改动，%2 张已移除</translation>
    </message>
</context>
<context>
    <name>clipfind::LibraryDatabase</name>
    <message>
        <source>Cannot open the cache</source>
        <translation>无法打开缓存</translation>
    </message>
    <message>
        <source>Cannot open the cache %1: out of memory</source>
        <translation>无法打开缓存 %1：内存不足</translation>
    </message>
    <message>
        <source>Cannot prepare a query</source>
        <translation>无法准备查询</translation>
    </message>
    <message>
        <source>Cannot read the schema</source>
        <translation>无法读取架构</translation>
    </message>
    <message>
        <source>Cannot write the schema version</source>
        <translation>无法写入架构版本</translation>
    </message>
    <message>
        <source>%1 has no schema version; it is not a usable ClipFind cache</source>
        <translation>%1 没有架构版本；它不是可用的 ClipFind 缓存</translation>
    </message>
    <message>
        <source>%1 has an invalid schema version %2</source>
        <translation>%1 的架构版本 %2 无效</translation>
    </message>
    <message>
        <source>Cannot open the cache %1: it is not a file</source>
        <translation>无法打开缓存 %1：它不是文件</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the cache</source>
        <translation>无法为缓存创建文件夹 %1</translation>
    </message>
    <message>
        <source>Cannot switch the cache to WAL mode</source>
        <translation>无法将缓存切换到 WAL 模式</translation>
    </message>
    <message>
        <source>Cannot open the cache %1: no such file (index a folder first)</source>
        <translation>无法打开缓存 %1：文件不存在（请先为一个文件夹建立索引）</translation>
    </message>
    <message>
        <source>Cannot open the cache %1: %2. It is not a ClipFind cache or it is damaged</source>
        <translation>无法打开缓存 %1：%2。它不是 ClipFind 缓存，或已损坏</translation>
    </message>
    <message>
        <source>Cannot list files</source>
        <translation>无法列出文件</translation>
    </message>
    <message>
        <source>Cannot look up an embedding</source>
        <translation>无法查找嵌入向量</translation>
    </message>
    <message>
        <source>Cannot read an embedding</source>
        <translation>无法读取嵌入向量</translation>
    </message>
    <message>
        <source>%1: inconsistent embedding (dimension %2)</source>
        <translation>%1：嵌入向量不一致（维度 %2）</translation>
    </message>
    <message>
        <source>Cannot prepare the file update</source>
        <translation>无法准备文件的更新</translation>
    </message>
    <message>
        <source>Cannot store %1</source>
        <translation>无法存储 %1</translation>
    </message>
    <message>
        <source>Cannot prepare the embedding update</source>
        <translation>无法准备嵌入向量的更新</translation>
    </message>
    <message>
        <source>Cannot store the embedding of %1</source>
        <translation>无法存储 %1 的嵌入向量</translation>
    </message>
    <message>
        <source>Cannot prepare the removal</source>
        <translation>无法准备删除</translation>
    </message>
    <message>
        <source>Cannot remove %1</source>
        <translation>无法删除 %1</translation>
    </message>
    <message>
        <source>Cannot commit the batch</source>
        <translation>无法提交这一批</translation>
    </message>
    <message>
        <source>Cannot count files</source>
        <translation>无法统计文件</translation>
    </message>
    <message>
        <source>%1: inconsistent embedding for %2 (dimension %3)</source>
        <translation>%1：%2 的嵌入向量不一致（维度 %3）</translation>
    </message>
    <message>
        <source>Cannot load embeddings</source>
        <translation>无法载入嵌入向量</translation>
    </message>
    <message>
        <source>%1: embedding %2 is gone or changed since it was loaded</source>
        <translation>%1：嵌入向量 %2 自载入后已消失或已更改</translation>
    </message>
</context>
<context>
    <name>clipfind::LibraryIndexer</name>
    <message>
        <source>%1: not a folder or not readable</source>
        <translation>%1：不是文件夹或无法读取</translation>
    </message>
    <message numerus="yes">
        <source>%n folder(s) cannot be watched for changes (the system&apos;s inotify watch limit, fs.inotify.max_user_watches?), first %1; Rescan picks up their changes</source>
        <translation>
            <numerusform>有 %n 个文件夹无法监视改动（可能达到了系统的 inotify 监视上限 fs.inotify.max_user_watches），第一个是 %1；“重新扫描”可获取它们的改动</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>clipfind::ListingCache</name>
    <message>
        <source>%1: not a ClipFind listing cache of version %2</source>
        <translation>%1：不是版本 %2 的 ClipFind 列表缓存</translation>
    </message>
</context>
<context>
    <name>clipfind::LiveSearch</name>
    <message>
        <source>No photos are indexed yet</source>
        <translation>还没有已索引的照片</translation>
    </message>
</context>
<context>
    <name>clipfind::MainWindow</name>
    <message>
        <source>ClipFind</source>
        <translation>ClipFind</translation>
    </message>
    <message>
        <source>Loading the model %1…</source>
        <translation>正在加载模型 %1…</translation>
    </message>
    <message>
        <source>Model ready: %1</source>
        <translation>模型已就绪：%1</translation>
    </message>
    <message>
        <source>The model cannot be used: %1</source>
        <translation>无法使用该模型：%1</translation>
    </message>
    <message>
        <source>%1 — ClipFind</source>
        <translation>%1 — ClipFind</translation>
    </message>
    <message>
        <source>Cannot search this folder: %1</source>
        <translation>无法搜索此文件夹：%1</translation>
    </message>
    <message>
        <source>Indexing stopped: %1</source>
        <translation>索引已停止：%1</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>&amp;Open Folder…</source>
        <translation>打开文件夹(&amp;O)…</translation>
    </message>
    <message>
        <source>Choose the photo folder to browse and search (Ctrl+O)</source>
        <translation>选择要浏览和搜索的照片文件夹（Ctrl+O）</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>Thumbnail size (Ctrl+Plus / Ctrl+Minus)</source>
        <translation>缩略图大小（Ctrl+加号 / Ctrl+减号）</translation>
    </message>
    <message>
        <source>Thumbnail size</source>
        <translation>缩略图大小</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>Copy &amp;Path</source>
        <translation>复制路径(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Rescan Folder</source>
        <translation>重新扫描文件夹(&amp;R)</translation>
    </message>
    <message>
        <source>Show &amp;Unreadable Photos…</source>
        <translation>显示无法读取的照片(&amp;U)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>搜索(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Show &amp;Folders</source>
        <translation>显示文件夹(&amp;F)</translation>
    </message>
    <message>
        <source>The folder tree: choose a folder to browse and search only there (F9)</source>
        <translation>文件夹树：选择一个文件夹，只在其中浏览和搜索（F9）</translation>
    </message>
    <message>
        <source>Only &amp;Close Matches</source>
        <translation>只看相近结果(&amp;C)</translation>
    </message>
    <message>
        <source>Keep only the results whose score is close to the best one</source>
        <translation>只保留得分接近最佳结果的照片</translation>
    </message>
    <message>
        <source>Sort by &amp;Date</source>
        <translation>按日期排序(&amp;D)</translation>
    </message>
    <message>
        <source>Newest first (date taken, else file date) instead of best first</source>
        <translation>最新的在前（按拍摄日期，没有则按文件日期），而不是最匹配的在前</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Search Syntax</source>
        <translation>搜索语法(&amp;S)</translation>
    </message>
    <message>
        <source>Choose a photo folder</source>
        <translation>选择照片文件夹</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>Find &amp;Duplicates…</source>
        <translation>查找重复照片(&amp;D)…</translation>
    </message>
    <message>
        <source>Groups of near-identical photos in the folder browsed now; move the extra copies to the trash</source>
        <translation>当前浏览的文件夹中几乎相同的照片分组；可将多余的副本移到回收站</translation>
    </message>
</context>
<context>
    <name>clipfind::MessageBar</name>
    <message>
        <source>Close this message</source>
        <translation>关闭此消息</translation>
    </message>
</context>
<context>
    <name>clipfind::ModelCheck</name>
    <message>
        <source>broken: %1</source>
        <translation>已损坏：%1</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <comment>architecture, file format</comment>
        <translation>%1，%2</translation>
    </message>
    <message>
        <source>, SHA-256 matches %1 in the manifest</source>
        <translation>，SHA-256 与清单中的 %1 一致</translation>
    </message>
    <message>
        <source>, SHA-256 matches %1</source>
        <translation>，SHA-256 与%1一致</translation>
    </message>
    <message>
        <source>, loads (hash not in the manifest)</source>
        <translation>，可以加载（哈希值不在清单中）</translation>
    </message>
    <message>
        <source>%1: no such file</source>
        <translation>%1：文件不存在</translation>
    </message>
    <message>
        <source>%1: folder holds no model.safetensors or open_clip_model.safetensors</source>
        <translation>%1：文件夹中没有 model.safetensors 或 open_clip_model.safetensors</translation>
    </message>
    <message>
        <source>%1: SHA-256 mismatch: expected %2 (%3), got %4</source>
        <translation>%1：SHA-256 不一致：应为 %2（%3），实际为 %4</translation>
    </message>
    <message>
        <source>given</source>
        <translation>指定值</translation>
    </message>
    <message>
        <source>the given hash</source>
        <translation>指定的哈希值</translation>
    </message>
    <message>
        <source>, a text model for Settings &gt; Languages</source>
        <translation>，用于“设置 &gt; 语言”的文本模型</translation>
    </message>
    <message>
        <source>%1: cannot use this model file (%2)</source>
        <translation>%1：无法使用此模型文件（%2）</translation>
    </message>
</context>
<context>
    <name>clipfind::ModelDownloader</name>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分钟</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1: no SHA-256 to check it against (none pinned, none published by the server)</source>
        <translation>%1：没有可用于校验的 SHA-256（清单中未指定，服务器也未提供）</translation>
    </message>
    <message>
        <source>%1: SHA-256 mismatch: expected %2 (%3), got %4</source>
        <translation>%1：SHA-256 不一致：应为 %2（%3），实际为 %4</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>, %1/s</source>
        <translation>，%1/秒</translation>
    </message>
    <message>
        <source>, %1 left</source>
        <translation>，剩余 %1</translation>
    </message>
    <message>
        <source>no download source</source>
        <translation>没有下载来源</translation>
    </message>
    <message>
        <source>%1: not enough disk space: the download needs %2, %3 is free</source>
        <translation>%1：磁盘空间不足：下载需要 %2，可用空间为 %3</translation>
    </message>
    <message>
        <source>%1: already exists; remove it to download again</source>
        <translation>%1：已存在；删除后才能重新下载</translation>
    </message>
    <message>
        <source>%1: cannot create the folder</source>
        <translation>%1：无法创建文件夹</translation>
    </message>
    <message>
        <source>%1: not a regular file; remove it to download again</source>
        <translation>%1：不是普通文件；删除后才能重新下载</translation>
    </message>
    <message>
        <source>Connecting to %1</source>
        <translation>正在连接 %1</translation>
    </message>
    <message>
        <source>%1: the server publishes SHA-256 %2 for this file, but %3 is expected; refused</source>
        <translation>%1：服务器为此文件提供的 SHA-256 是 %2，但应为 %3；已拒绝</translation>
    </message>
    <message>
        <source>%1: the server answered the resume request with the wrong range (%2)</source>
        <translation>%1：服务器对续传请求返回了错误的范围（%2）</translation>
    </message>
    <message>
        <source>%1: the server announces %2, but %3 is expected; refused</source>
        <translation>%1：服务器声明的大小为 %2，但应为 %3；已拒绝</translation>
    </message>
    <message>
        <source>%1: the server announces %2, but at most %3 is expected; refused</source>
        <translation>%1：服务器声明的大小为 %2，但应不超过 %3；已拒绝</translation>
    </message>
    <message>
        <source>Downloading %1</source>
        <translation>正在下载 %1</translation>
    </message>
    <message>
        <source>%1: the server sent more than the %2 expected; stopped</source>
        <translation>%1：服务器发送的数据超过了预期的 %2；已停止</translation>
    </message>
    <message>
        <source>%1: write failed: %2</source>
        <translation>%1：写入失败：%2</translation>
    </message>
    <message>
        <source>%1: HTTP %2 without a usable redirect</source>
        <translation>%1：HTTP %2，且没有可用的重定向</translation>
    </message>
    <message>
        <source>%1: redirect to %2 refused (only to https, or to http from an http source)</source>
        <translation>%1：已拒绝重定向到 %2（只允许重定向到 https，或从 http 来源重定向到 http）</translation>
    </message>
    <message>
        <source>%1: HTTP %2 %3</source>
        <translation>%1：HTTP %2 %3</translation>
    </message>
    <message>
        <source>the connection closed after %1 of %2</source>
        <translation>连接在收到 %1（共 %2）后关闭</translation>
    </message>
    <message>
        <source>Connection lost at %1 (%2); resuming</source>
        <translation>连接在 %1 处中断（%2）；正在续传</translation>
    </message>
    <message>
        <source>the expected SHA-256</source>
        <translation>预期的 SHA-256</translation>
    </message>
    <message>
        <source>the SHA-256 it had when it was verified</source>
        <translation>校验时记录的 SHA-256</translation>
    </message>
    <message>
        <source>the SHA-256 %1 publishes (X-Linked-Etag)</source>
        <translation>%1 提供的 SHA-256（X-Linked-Etag）</translation>
    </message>
    <message>
        <source>Verifying %1</source>
        <translation>正在校验 %1</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>%1 changed since it was verified; downloading it again</source>
        <translation>%1 在校验后被改动过；正在重新下载</translation>
    </message>
    <message>
        <source>%1: verification failed (%2); the downloaded files were deleted</source>
        <translation>%1：校验失败（%2）；已删除下载的文件</translation>
    </message>
    <message>
        <source>%1: verification failed (%2); the downloaded file was deleted</source>
        <translation>%1：校验失败（%2）；已删除下载的文件</translation>
    </message>
    <message>
        <source>%1: cannot install: %2</source>
        <translation>%1：无法安装：%2</translation>
    </message>
</context>
<context>
    <name>clipfind::ModelManifest</name>
    <message>
        <source>%1: not a JSON object (%2 at offset %3)</source>
        <translation>%1：不是 JSON 对象（偏移 %3 处：%2）</translation>
    </message>
    <message>
        <source>%1: unsupported format_version (expected 1)</source>
        <translation>%1：不支持的 format_version（应为 1）</translation>
    </message>
    <message>
        <source>a model without a name</source>
        <translation>有一个模型没有名称</translation>
    </message>
    <message>
        <source>%1: a download without url or install_as</source>
        <translation>%1：有一个下载项缺少 url 或 install_as</translation>
    </message>
    <message>
        <source>%1: install_as must stay inside the models folder: %2</source>
        <translation>%1：install_as 必须位于模型文件夹之内：%2</translation>
    </message>
    <message>
        <source>%1: bad sha256 &apos;%2&apos;</source>
        <translation>%1：无效的 sha256“%2”</translation>
    </message>
    <message>
        <source>%1: known file %2 has a bad sha256 &apos;%3&apos;</source>
        <translation>%1：已知文件 %2 的 sha256“%3”无效</translation>
    </message>
    <message>
        <source>no models</source>
        <translation>没有任何模型</translation>
    </message>
    <message>
        <source>default model &apos;%1&apos; is not listed</source>
        <translation>默认模型“%1”不在列表中</translation>
    </message>
    <message>
        <source>%1: a file path must be new and stay inside the folder: &apos;%2&apos;</source>
        <translation>%1：文件路径不得重复，且必须位于文件夹之内：“%2”</translation>
    </message>
    <message>
        <source>%1: %2 needs a url and a size</source>
        <translation>%1：%2 需要 url 和 size</translation>
    </message>
    <message>
        <source>%1: unknown kind &apos;%2&apos;</source>
        <translation>%1：未知的 kind“%2”</translation>
    </message>
    <message>
        <source>fastest; good for most photo libraries</source>
        <translation>最快；适合大多数照片库</translation>
    </message>
    <message>
        <source>about 4x the compute of ViT-B/32 per photo; finer detail</source>
        <translation>每张照片的计算量约为 ViT-B/32 的 4 倍；细节更精细</translation>
    </message>
    <message>
        <source>about 18x the compute of ViT-B/32 per photo; best quality, needs a GPU for large libraries</source>
        <translation>每张照片的计算量约为 ViT-B/32 的 18 倍；质量最好，大型照片库需要 GPU</translation>
    </message>
    <message>
        <source>text only: no work per photo</source>
        <translation>仅文本：不需要逐张处理照片</translation>
    </message>
    <message>
        <source>about 4x the compute of ViT-B/32 per photo</source>
        <translation>每张照片的计算量约为 ViT-B/32 的 4 倍</translation>
    </message>
</context>
<context>
    <name>clipfind::ModelSetupDialog</name>
    <message>
        <source>size unknown</source>
        <translation>大小未知</translation>
    </message>
    <message>
        <source>about %1</source>
        <translation>约 %1</translation>
    </message>
    <message>
        <source>Choose a CLIP model</source>
        <translation>选择 CLIP 模型</translation>
    </message>
    <message>
        <source>ClipFind needs a CLIP model to understand your photos and searches. It is downloaded once and checked before use.</source>
        <translation>ClipFind 需要一个 CLIP 模型来理解你的照片和搜索内容。模型只需下载一次，使用前会进行校验。</translation>
    </message>
    <message>
        <source>&amp;Download a model</source>
        <translation>下载模型(&amp;D)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Use a model &amp;file</source>
        <translation>使用模型文件(&amp;F)</translation>
    </message>
    <message>
        <source>ViT-B-32.pt, a .safetensors file or a Hugging Face folder</source>
        <translation>ViT-B-32.pt、.safetensors 文件或 Hugging Face 模型文件夹</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Use a model found on this computer</source>
        <translation>使用在本机找到的模型</translation>
    </message>
    <message>
        <source>Looking for models...</source>
        <translation>正在查找模型…</translation>
    </message>
    <message>
        <source>Download mirror:</source>
        <translation>下载镜像：</translation>
    </message>
    <message>
        <source>Replaces %1 in download addresses, e.g. a company or regional mirror.</source>
        <translation>替换下载地址中的 %1，例如使用公司内部或本地区的镜像。</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <source>%1. %2. License: %3.</source>
        <translation>%1。%2。许可证：%3。</translation>
    </message>
    <message>
        <source>CLIP models (*.pt *.safetensors);;All files (*)</source>
        <translation>CLIP 模型 (*.pt *.safetensors);;所有文件 (*)</translation>
    </message>
    <message>
        <source>%1 (%2): %3</source>
        <translation>%1（%2）：%3</translation>
    </message>
    <message>
        <source>No models found in ~/.cache/clip or ClipFind&apos;s models folder.</source>
        <translation>在 ~/.cache/clip 和 ClipFind 的模型文件夹中都没有找到模型。</translation>
    </message>
    <message>
        <source>Checking %1</source>
        <translation>正在校验 %1</translation>
    </message>
    <message>
        <source>Download cancelled; nothing was kept.</source>
        <translation>下载已取消，未保留任何文件。</translation>
    </message>
    <message>
        <source>The model list cannot be read: %1</source>
        <translation>无法读取模型列表：%1</translation>
    </message>
    <message>
        <source>&amp;Use it for other languages</source>
        <translation>用于其他语言(&amp;U)</translation>
    </message>
    <message>
        <source>For searching in other languages with %1: a text model that pairs with it, so your photos are not indexed again. Download %1 as well.</source>
        <translation>用于配合 %1 以其他语言搜索：这是与之配对的文本模型，照片无需重新索引。请同时下载 %1。</translation>
    </message>
    <message>
        <source>A full model for searching in Chinese, with its own image tower: your photos are indexed again with it.</source>
        <translation>用于中文搜索的完整模型，带有自己的图像编码器：照片将用它重新索引。</translation>
    </message>
    <message>
        <source>Queries in other languages will use %1. Now choose the image model it pairs with.</source>
        <translation>其他语言的查询将使用 %1。现在请选择与之配对的图像模型。</translation>
    </message>
    <message>
        <source>%1 is installed. It searches in other languages with %2.</source>
        <translation>%1 已安装。它配合 %2 以其他语言搜索。</translation>
    </message>
</context>
<context>
    <name>clipfind::ModelStore</name>
    <message>
        <source>%1: cannot create the folder</source>
        <translation>%1：无法创建文件夹</translation>
    </message>
</context>
<context>
    <name>clipfind::PhotoEncoderLoader</name>
    <message>
        <source>%1: a multilingual text model has no image tower; choose a CLIP model (or a Chinese-CLIP folder) and this folder as its multilingual text model</source>
        <translation>%1：多语言文本模型没有图像塔；请选择一个 CLIP 模型（或 Chinese-CLIP 文件夹），并将此文件夹设为它的多语言文本模型</translation>
    </message>
</context>
<context>
    <name>clipfind::PhotoGridView</name>
    <message>
        <source>No application opens %1</source>
        <translation>没有可以打开 %1 的应用程序</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
    <message>
        <source>Open Containing &amp;Folder</source>
        <translation>打开所在文件夹(&amp;F)</translation>
    </message>
    <message>
        <source>Copy &amp;Path</source>
        <translation>复制路径(&amp;P)</translation>
    </message>
    <message>
        <source>Copy &amp;Image</source>
        <translation>复制图像(&amp;I)</translation>
    </message>
    <message>
        <source>Find &amp;Similar</source>
        <translation>查找相似照片(&amp;S)</translation>
    </message>
    <message>
        <source>Copied the path</source>
        <translation>已复制路径</translation>
    </message>
    <message>
        <source>Copied %1 paths</source>
        <translation>已复制 %1 个路径</translation>
    </message>
    <message>
        <source>Cannot copy %1: %2</source>
        <translation>无法复制 %1：%2</translation>
    </message>
    <message>
        <source>Copied the image of %1</source>
        <translation>已复制 %1 的图像</translation>
    </message>
</context>
<context>
    <name>clipfind::PhotoLibrary</name>
    <message>
        <source>%1 on %2</source>
        <comment>the model&apos;s architecture on a device</comment>
        <translation>%1，运行于 %2</translation>
    </message>
    <message>
        <source>%1: not a folder or not readable</source>
        <translation>%1：不是文件夹或无法读取</translation>
    </message>
    <message>
        <source>Open a folder first: duplicates are looked for among its photos.</source>
        <translation>请先打开一个文件夹：重复照片在其中的照片里查找。</translation>
    </message>
    <message>
        <source>The model is still loading: finding duplicates compares what it sees in each photo.</source>
        <translation>模型仍在加载：查找重复照片需要比较模型在每张照片中看到的内容。</translation>
    </message>
    <message>
        <source>Finding duplicates needs a CLIP model: it compares what the model sees in each photo. Set one up in Settings.</source>
        <translation>查找重复照片需要 CLIP 模型：它比较模型在每张照片中看到的内容。请在设置中配置一个模型。</translation>
    </message>
</context>
<context>
    <name>clipfind::PhotoModel</name>
    <message>
        <source>%1 × %2 pixels</source>
        <translation>%1 × %2 像素</translation>
    </message>
</context>
<context>
    <name>clipfind::PhotoPages</name>
    <message>
        <source>1 photo</source>
        <translation>1 张照片</translation>
    </message>
    <message>
        <source>%1 photos</source>
        <translation>%1 张照片</translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%2 中的 %1</translation>
    </message>
    <message>
        <source>%1 · %2 ms</source>
        <translation>%1 · %2 毫秒</translation>
    </message>
</context>
<context>
    <name>clipfind::PhotoScanner</name>
    <message>
        <source>cannot read folder: %1</source>
        <translation>无法读取文件夹：%1</translation>
    </message>
    <message>
        <source>dangling symbolic link</source>
        <translation>符号链接指向的目标不存在</translation>
    </message>
    <message>
        <source>symbolic link loop</source>
        <translation>符号链接循环</translation>
    </message>
    <message>
        <source>cannot read: %1</source>
        <translation>无法读取：%1</translation>
    </message>
    <message>
        <source>file name is not valid UTF-8</source>
        <translation>文件名不是有效的 UTF-8</translation>
    </message>
    <message>
        <source>cannot resolve link: %1</source>
        <translation>无法解析链接：%1</translation>
    </message>
    <message>
        <source>link target name is not valid UTF-8</source>
        <translation>链接目标的名称不是有效的 UTF-8</translation>
    </message>
</context>
<context>
    <name>clipfind::PlaceholderPage</name>
    <message>
        <source>Set up a &amp;model…</source>
        <translation>设置模型(&amp;M)…</translation>
    </message>
    <message>
        <source>&amp;Choose a folder…</source>
        <translation>选择文件夹(&amp;C)…</translation>
    </message>
    <message>
        <source>Download one (%1, %2), or use a checkpoint you already have, such as &lt;i&gt;~/.cache/clip/ViT-B-32.pt&lt;/i&gt;.</source>
        <translation>可以下载一个（%1，%2），也可以使用已有的模型文件，例如 &lt;i&gt;~/.cache/clip/ViT-B-32.pt&lt;/i&gt;。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Choose a folder of photos.&lt;/b&gt;&lt;br&gt;ClipFind shows them at once, newest first, and indexes them in the background for searching.</source>
        <translation>&lt;b&gt;选择一个照片文件夹。&lt;/b&gt;&lt;br&gt;ClipFind 会立即显示其中的照片（最新的在前），并在后台为搜索建立索引。</translation>
    </message>
    <message>
        <source>Searching needs a CLIP model. </source>
        <translation>搜索需要 CLIP 模型。</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <source>&lt;b&gt;No photos here.&lt;/b&gt;&lt;br&gt;%1 holds no JPEG, PNG, WebP, GIF, BMP or TIFF files (hidden and excluded folders are left out).</source>
        <translation>&lt;b&gt;这里没有照片。&lt;/b&gt;&lt;br&gt;%1 中没有 JPEG、PNG、WebP、GIF、BMP 或 TIFF 文件（隐藏的和已排除的文件夹不计在内）。</translation>
    </message>
    <message>
        <source>Loading the model…&lt;br&gt;%1 is searched as soon as it is ready.</source>
        <translation>正在加载模型…&lt;br&gt;模型就绪后会立即搜索 %1。</translation>
    </message>
    <message>
        <source>&lt;b&gt;ClipFind needs a CLIP model to understand your photos.&lt;/b&gt;&lt;br&gt;</source>
        <translation>&lt;b&gt;ClipFind 需要一个 CLIP 模型来理解你的照片。&lt;/b&gt;&lt;br&gt;</translation>
    </message>
    <message>
        <source>Preparing the search…&lt;br&gt;%1 is searched as soon as it is ready.</source>
        <translation>正在准备搜索…&lt;br&gt;准备好后会立即搜索 %1。</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message>
        <source>No photos indexed yet: indexing is under way.</source>
        <translation>还没有已索引的照片：正在建立索引。</translation>
    </message>
    <message>
        <source>No matching photos.</source>
        <translation>没有匹配的照片。</translation>
    </message>
</context>
<context>
    <name>clipfind::PreviewDialog</name>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Cannot show this photo: %1</source>
        <translation>无法显示这张照片：%1</translation>
    </message>
</context>
<context>
    <name>clipfind::RegularFile</name>
    <message>
        <source>is a directory</source>
        <translation>是文件夹</translation>
    </message>
    <message>
        <source>not a regular file (a FIFO)</source>
        <translation>不是普通文件（是 FIFO 管道）</translation>
    </message>
    <message>
        <source>not a regular file (a character device)</source>
        <translation>不是普通文件（是字符设备）</translation>
    </message>
    <message>
        <source>not a regular file (a block device)</source>
        <translation>不是普通文件（是块设备）</translation>
    </message>
    <message>
        <source>not a regular file (a socket)</source>
        <translation>不是普通文件（是套接字）</translation>
    </message>
    <message>
        <source>not a regular file</source>
        <translation>不是普通文件</translation>
    </message>
    <message>
        <source>file not found</source>
        <translation>找不到文件</translation>
    </message>
    <message>
        <source>cannot open (%1)</source>
        <translation>无法打开（%1）</translation>
    </message>
    <message>
        <source>read outside the file (%1 bytes at %2 of %3)</source>
        <translation>读取超出了文件范围（在 %2 处读取 %1 字节，文件共 %3 字节）</translation>
    </message>
    <message>
        <source>read error (%1)</source>
        <translation>读取错误（%1）</translation>
    </message>
    <message>
        <source>the file shrank while it was read (%1 of %2 bytes)</source>
        <translation>读取过程中文件变小了（已读 %1 字节，共 %2 字节）</translation>
    </message>
    <message>
        <source>file is too large (%1 MB)</source>
        <translation>文件太大（%1 MB）</translation>
    </message>
</context>
<context>
    <name>clipfind::ResultModel</name>
    <message>
        <source>Less close matches</source>
        <translation>较不相近的结果</translation>
    </message>
    <message numerus="yes">
        <source>Only Close Matches keeps the %n above</source>
        <translation>
            <numerusform>“只看相近结果”会保留上方的 %n 张</numerusform>
        </translation>
    </message>
    <message>
        <source>%1, score %2</source>
        <translation>%1，得分 %2</translation>
    </message>
    <message>
        <source>%1 · score %2</source>
        <translation>%1 · 得分 %2</translation>
    </message>
    <message>
        <source>Score %1</source>
        <translation>得分 %1</translation>
    </message>
    <message>
        <source>below the close matches (%1)</source>
        <translation>低于相近结果的分界（%1）</translation>
    </message>
</context>
<context>
    <name>clipfind::ResultsView</name>
    <message>
        <source>Results</source>
        <translation>搜索结果</translation>
    </message>
</context>
<context>
    <name>clipfind::SearchEngine</name>
    <message>
        <source>cannot encode &quot;%1&quot;: %2</source>
        <translation>无法编码“%1”：%2</translation>
    </message>
    <message>
        <source>the text &quot;%1&quot; encodes to a zero vector</source>
        <translation>文本“%1”编码后是零向量</translation>
    </message>
    <message>
        <source>cannot use the image %1: %2</source>
        <translation>无法使用图像 %1：%2</translation>
    </message>
    <message>
        <source>the image %1 encodes to a zero vector</source>
        <translation>图像 %1 编码后是零向量</translation>
    </message>
    <message>
        <source>query &quot;%1&quot;: the terms cancel out</source>
        <translation>查询“%1”：各项相互抵消了</translation>
    </message>
    <message>
        <source>%1: the cached embeddings have %2 dimensions, the model %3</source>
        <translation>%1：缓存的向量是 %2 维，而模型是 %3 维</translation>
    </message>
    <message>
        <source>image %1 is not a file</source>
        <translation>图像 %1 不是文件</translation>
    </message>
    <message>
        <source>image %1 does not exist</source>
        <translation>图像 %1 不存在</translation>
    </message>
    <message>
        <source>cannot set up the search (%1)</source>
        <translation>无法准备搜索（%1）</translation>
    </message>
    <message>
        <source>the search could not finish (%1)</source>
        <translation>搜索未能完成（%1）</translation>
    </message>
</context>
<context>
    <name>clipfind::SearchField</name>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Set up a model…</source>
        <translation>设置模型…</translation>
    </message>
    <message>
        <source>Searching needs a CLIP model: download one or choose a file</source>
        <translation>搜索需要 CLIP 模型：下载一个，或选择模型文件</translation>
    </message>
    <message>
        <source>Describe a photo in any language: “海边的日落”, “sunset at the beach”, “dog + snow”</source>
        <translation>用任何语言描述照片：“海边的日落”、“一只猫在沙发上”、“狗 + 雪”</translation>
    </message>
    <message>
        <source>Describe a photo: “sunset at the beach”, “dog + snow”, “beach - people”</source>
        <translation>用英文描述照片（当前模型只懂英文）：“sunset at the beach”、“dog + snow”、“beach - people”</translation>
    </message>
    <message>
        <source>Search needs a model — Set up…</source>
        <translation>搜索需要模型 — 去设置…</translation>
    </message>
    <message>
        <source>Loading the model… type away: the search runs when it is ready</source>
        <translation>正在加载模型… 可以先输入：模型就绪后就会搜索</translation>
    </message>
    <message>
        <source>Describe what you look for: &lt;i&gt;a dog in the snow&lt;/i&gt;. Combine with + and -: &lt;i&gt;beach - people&lt;/i&gt;. Weigh a term: &lt;i&gt;2:sunset + beach&lt;/i&gt;. Use a photo as a term: drop it on the window, or type its path: &lt;i&gt;&quot;/photos/kitchen.jpg&quot; + christmas&lt;/i&gt;.</source>
        <translation>描述你要找的内容：&lt;i&gt;a dog in the snow&lt;/i&gt;（使用多语言模型时也可以直接用中文，如“雪地里的狗”）。用 + 和 - 组合：&lt;i&gt;beach - people&lt;/i&gt;。给某一项加权重：&lt;i&gt;2:sunset + beach&lt;/i&gt;。把照片当作一项：把它拖到窗口上，或输入它的路径：&lt;i&gt;&quot;/photos/kitchen.jpg&quot; + christmas&lt;/i&gt;。</translation>
    </message>
</context>
<context>
    <name>clipfind::SearchQuery</name>
    <message>
        <source>&apos;%1&apos; at the end of the query needs a term after it</source>
        <translation>查询末尾的“%1”后面需要一个搜索项</translation>
    </message>
    <message>
        <source>two operators in a row (&apos;%1&apos; then &apos;%2&apos;)</source>
        <translation>连续出现两个运算符（“%1”之后是“%2”）</translation>
    </message>
    <message>
        <source>too many terms (a query holds at most %1)</source>
        <translation>搜索项太多（一个查询最多 %1 项）</translation>
    </message>
    <message>
        <source>query &quot;%1&quot;: %2</source>
        <translation>查询“%1”：%2</translation>
    </message>
    <message>
        <source>weight %1 must be a positive number</source>
        <translation>权重 %1 必须是正数</translation>
    </message>
    <message>
        <source>unterminated quote</source>
        <translation>引号没有闭合</translation>
    </message>
    <message>
        <source>weight %1 has no term after it</source>
        <translation>权重 %1 后面没有搜索项</translation>
    </message>
    <message>
        <source>empty term</source>
        <translation>空的搜索项</translation>
    </message>
    <message>
        <source>%1 is not a valid file:// URL</source>
        <translation>%1 不是有效的 file:// 网址</translation>
    </message>
    <message>
        <source>image %1 does not exist</source>
        <translation>图像 %1 不存在</translation>
    </message>
    <message>
        <source>image %1 is not a file</source>
        <translation>图像 %1 不是文件</translation>
    </message>
</context>
<context>
    <name>clipfind::SettingsDialog</name>
    <message>
        <source>Include &amp;subfolders</source>
        <translation>包括子文件夹(&amp;S)</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Get a model…</source>
        <translation>获取模型(&amp;G)…</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <source>Automatic (GPU when available)</source>
        <translation>自动（有 GPU 时使用 GPU）</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU (CUDA)</source>
        <translation>GPU (CUDA)</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>In use: %1</source>
        <translation>正在使用：%1</translation>
    </message>
    <message>
        <source>&amp;Device:</source>
        <translation>设备(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>添加(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Excluded folders:</source>
        <translation>排除的文件夹(&amp;E)：</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>&amp;Thumbnail size:</source>
        <translation>缩略图大小(&amp;T)：</translation>
    </message>
    <message>
        <source>Choose a CLIP checkpoint</source>
        <translation>选择 CLIP 模型文件</translation>
    </message>
    <message>
        <source>CLIP checkpoints (*.pt *.safetensors *.bin);;All files (*)</source>
        <translation>CLIP 模型文件 (*.pt *.safetensors *.bin);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Exclude folders</source>
        <translation>排除文件夹</translation>
    </message>
    <message>
        <source>Folder name or pattern (for example raw or */exports/*):</source>
        <translation>文件夹名称或匹配模式（例如 raw 或 */exports/*）：</translation>
    </message>
    <message>
        <source>Optional: a multilingual text model folder (clip-ViT-B-32-multilingual-v1)</source>
        <translation>可选：多语言文本模型文件夹（clip-ViT-B-32-multilingual-v1）</translation>
    </message>
    <message>
        <source>Lets you search in 50+ languages with the ViT-B/32 model; photos are not indexed again</source>
        <translation>让 ViT-B/32 模型支持 50 多种语言的搜索；照片无需重新索引</translation>
    </message>
    <message>
        <source>B&amp;rowse…</source>
        <translation>浏览(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Languages:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>English with CLIP, other languages with the multilingual model</source>
        <translation>英文用 CLIP，其他语言用多语言模型</translation>
    </message>
    <message>
        <source>Every query with the multilingual model</source>
        <translation>所有搜索都用多语言模型</translation>
    </message>
    <message>
        <source>Every query with CLIP (English only)</source>
        <translation>所有搜索都用 CLIP（仅限英文）</translation>
    </message>
    <message>
        <source>&amp;Queries:</source>
        <translation>搜索(&amp;Q)：</translation>
    </message>
    <message>
        <source>Choose a multilingual text model folder</source>
        <translation>选择多语言文本模型文件夹</translation>
    </message>
    <message>
        <source>A CLIP checkpoint (ViT-B-32.pt, model.safetensors) or a Chinese-CLIP folder</source>
        <translation>CLIP 模型文件（ViT-B-32.pt、model.safetensors）或 Chinese-CLIP 模型文件夹</translation>
    </message>
    <message>
        <source>&amp;Folder…</source>
        <translation>文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>Choose a model folder (Hugging Face CLIP or Chinese-CLIP)</source>
        <translation>选择模型文件夹（Hugging Face CLIP 或 Chinese-CLIP）</translation>
    </message>
</context>
<context>
    <name>clipfind::ThumbnailCache</name>
    <message>
        <source>%1: no image to make a thumbnail from</source>
        <translation>%1：没有可用于生成缩略图的图像</translation>
    </message>
    <message>
        <source>cannot create %1</source>
        <translation>无法创建 %1</translation>
    </message>
    <message>
        <source>%1: cannot store the thumbnail (%2)</source>
        <translation>%1：无法保存缩略图（%2）</translation>
    </message>
</context>
<context>
    <name>clipfind::Tokenizer</name>
    <message>
        <source>zlib initialisation failed</source>
        <translation>zlib 初始化失败</translation>
    </message>
    <message>
        <source>not gzip data or corrupt (%1)</source>
        <translation>不是 gzip 数据或已损坏（%1）</translation>
    </message>
    <message>
        <source>the gzip data ends early</source>
        <translation>gzip 数据提前结束</translation>
    </message>
    <message>
        <source>inflate failed (%1)</source>
        <translation>解压失败（%1）</translation>
    </message>
    <message>
        <source>the merge table has only %1 merges, expected at least %2</source>
        <translation>合并表只有 %1 条合并规则，至少应有 %2 条</translation>
    </message>
    <message>
        <source>malformed merge on line %1</source>
        <translation>第 %1 行的合并规则格式错误</translation>
    </message>
    <message>
        <source>merge on line %1 repeats an earlier token</source>
        <translation>第 %1 行的合并规则重复了前面的词元</translation>
    </message>
    <message>
        <source>Cannot load the CLIP merge table %1: %2</source>
        <translation>无法加载 CLIP 合并表 %1：%2</translation>
    </message>
</context>
<context>
    <name>clipfind::Trash</name>
    <message>
        <source>Move %1 (%2) to the trash?</source>
        <translation>要将 %1（%2）移到回收站吗？</translation>
    </message>
    <message>
        <source>1 file</source>
        <translation>1 个文件</translation>
    </message>
    <message>
        <source>%1 files</source>
        <translation>%1 个文件</translation>
    </message>
    <message>
        <source>%1: no such file</source>
        <translation>%1：文件不存在</translation>
    </message>
    <message>
        <source>%1: not a file</source>
        <translation>%1：不是文件</translation>
    </message>
    <message>
        <source>%1: cannot move it to the trash (the trash folder cannot be made)</source>
        <translation>%1：无法移到回收站（无法创建回收站文件夹）</translation>
    </message>
    <message>
        <source>%1: cannot move it to the trash (%2)</source>
        <translation>%1：无法移到回收站（%2）</translation>
    </message>
</context>
<context>
    <name>clipfind::WordPieceSettings</name>
    <message>
        <source>%1: cannot open file (%2)</source>
        <translation>%1：无法打开文件（%2）</translation>
    </message>
    <message>
        <source>%1: file too large (%2 bytes, at most %3)</source>
        <translation>%1：文件太大（%2 字节，最多 %3 字节）</translation>
    </message>
    <message>
        <source>%1: not a JSON object (%2 at offset %3)</source>
        <translation>%1：不是 JSON 对象（偏移 %3 处：%2）</translation>
    </message>
    <message>
        <source>%1: not a JSON object</source>
        <translation>%1：不是 JSON 对象</translation>
    </message>
    <message>
        <source>%1: module path &apos;%2&apos; leaves the model folder</source>
        <translation>%1：模块路径“%2”指向模型文件夹之外</translation>
    </message>
    <message>
        <source>%1: no sentence_transformers.models.Transformer module</source>
        <translation>%1：没有 sentence_transformers.models.Transformer 模块</translation>
    </message>
    <message>
        <source>%1: normalizer &apos;%2&apos; is not supported (only BertNormalizer)</source>
        <translation>%1：不支持规范化器“%2”（仅支持 BertNormalizer）</translation>
    </message>
    <message>
        <source>%1: post_processor &apos;%2&apos; is not supported (only [CLS] $A [SEP] templates)</source>
        <translation>%1：不支持 post_processor“%2”（仅支持 [CLS] $A [SEP] 模板）</translation>
    </message>
    <message>
        <source>%1: pre_tokenizer &apos;%2&apos; is not supported (only BertPreTokenizer)</source>
        <translation>%1：不支持 pre_tokenizer“%2”（仅支持 BertPreTokenizer）</translation>
    </message>
    <message>
        <source>%1: model &apos;%2&apos; is not supported (only WordPiece)</source>
        <translation>%1：不支持模型“%2”（仅支持 WordPiece）</translation>
    </message>
    <message>
        <source>%1: the WordPiece vocabulary has %2 entries (1 to %3 expected)</source>
        <translation>%1：WordPiece 词表有 %2 个条目（应为 1 到 %3 个）</translation>
    </message>
    <message>
        <source>%1: bad vocabulary entry &apos;%2&apos;</source>
        <translation>%1：词表条目“%2”无效</translation>
    </message>
    <message>
        <source>%1: added token &apos;%2&apos; is not supported (needs an id and normalized, lstrip, rstrip, single_word all false)</source>
        <translation>%1：不支持添加的词元“%2”（需要有 id，且 normalized、lstrip、rstrip、single_word 都为 false）</translation>
    </message>
    <message>
        <source>%1: too many added tokens (%2)</source>
        <translation>%1：添加的词元太多（%2 个）</translation>
    </message>
    <message>
        <source>%1: line %2 is longer than %3 bytes</source>
        <translation>%1：第 %2 行超过 %3 字节</translation>
    </message>
    <message>
        <source>%1: line %2 is not valid UTF-8</source>
        <translation>%1：第 %2 行不是有效的 UTF-8</translation>
    </message>
    <message>
        <source>%1: more than %2 lines</source>
        <translation>%1：超过 %2 行</translation>
    </message>
    <message>
        <source>%1: the vocabulary is empty</source>
        <translation>%1：词表为空</translation>
    </message>
    <message>
        <source>%1: not a folder</source>
        <translation>%1：不是文件夹</translation>
    </message>
    <message>
        <source>%1: no tokenizer.json or vocab.txt</source>
        <translation>%1：没有 tokenizer.json 或 vocab.txt</translation>
    </message>
    <message>
        <source>%1: maximum length %2 leaves no room for [CLS] and [SEP]</source>
        <translation>%1：最大长度 %2 容不下 [CLS] 和 [SEP]</translation>
    </message>
</context>
<context>
    <name>clipfind::WordPieceTokenizer</name>
    <message>
        <source>the vocabulary has no &apos;%1&apos; piece</source>
        <translation>词表中没有“%1”词元</translation>
    </message>
    <message>
        <source>maximum length %1 leaves no room for [CLS] and [SEP]</source>
        <translation>最大长度 %1 容不下 [CLS] 和 [SEP]</translation>
    </message>
    <message>
        <source>text too long to tokenize (%1 characters, at most %2)</source>
        <translation>文本太长，无法分词（%1 个字符，最多 %2 个）</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Find photos by describing them.</source>
        <translation>用文字描述来查找照片。</translation>
    </message>
    <message>
        <source>The CLIP checkpoint (default: $CLIPFIND_MODEL, the settings, the model chosen in the model dialog).</source>
        <translation>CLIP 模型文件（默认依次为：$CLIPFIND_MODEL、设置中的模型、在模型对话框中选择的模型）。</translation>
    </message>
    <message>
        <source>Where the index lives (default: $CLIPFIND_DATA_DIR, ~/.local/share/clipfind).</source>
        <translation>索引的存放位置（默认：$CLIPFIND_DATA_DIR，否则 ~/.local/share/clipfind）。</translation>
    </message>
    <message>
        <source>The photo folder to open.</source>
        <translation>要打开的照片文件夹。</translation>
    </message>
</context>
</TS>
