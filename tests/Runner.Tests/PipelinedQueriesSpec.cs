using System.Text;
using DcSim.Runner.Commands;
using Xunit;

namespace DcSim.Runner.Tests;

/// <summary>How the load of `dcsim bench-queries` tells where one pipelined answer ends: by its Content-Length, or its last chunk.</summary>
public sealed class PipelinedQueriesSpec
{
    private const string Sized = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\n{\"a\"}";
    private const string Chunked = "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n2\r\n\"}\r\n0\r\n\r\n";
    private const string EmptyChunked = "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";

    [Theory]
    [InlineData(Sized, true)]
    [InlineData(Chunked, false)]
    [InlineData(EmptyChunked, false)]
    public void A_whole_answer_must_be_found_with_its_length_and_status_even_with_the_next_one_behind_it(string answer, bool ok)
    {
        var found = PipelinedQueries.TryParse(Encoding.ASCII.GetBytes(answer + Sized), out var length, out var success);

        Assert.Equal((true, answer.Length, ok), (found, length, success));
    }

    [Theory]
    [InlineData(Sized)]
    [InlineData(Chunked)]
    [InlineData(EmptyChunked)]
    public void An_answer_cut_anywhere_must_not_be_taken_as_whole(string answer)
    {
        for (var cut = 0; cut < answer.Length; cut++)
            Assert.False(PipelinedQueries.TryParse(Encoding.ASCII.GetBytes(answer[..cut]), out _, out _), $"cut at {cut}");
    }
}
