using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DcSim.Runner.Hosting;

/// <summary>The HOST:PORT of a running `dcsim node` that a command joins, checked before anything runs.</summary>
internal static class JoinAddress
{
    private static readonly TimeSpan ConnectLimit = TimeSpan.FromSeconds(5);

    /// <summary>Null when something listens at <paramref name="join"/>; otherwise why nothing can be joined there.</summary>
    public static string? Problem(string join)
    {
        var (host, port) = Split(join);
        try
        {
            using var tcp = new TcpClient();
            if (!tcp.ConnectAsync(host, port).Wait(ConnectLimit)) return $"nothing answered within {ConnectLimit.TotalSeconds:0} s";
            return null;
        }
        catch (AggregateException ex) when (ex.InnerException is SocketException socket)
        {
            return $"cannot connect ({socket.Message}); is a `dcsim node` running there?";
        }
        catch (SocketException ex)
        {
            return $"cannot connect ({ex.Message}); is a `dcsim node` running there?";
        }
    }

    /// <summary>
    /// The address of this machine that the member at <paramref name="join"/> reaches it by (the source address of a route
    /// to it): the members send their results there. 127.0.0.1 for a member on this machine.
    /// </summary>
    public static string LocalAddressToward(string join)
    {
        var (host, port) = Split(join);
        var target = Dns.GetHostAddresses(host).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First();
        if (IPAddress.IsLoopback(target)) return "127.0.0.1";
        // A datagram socket's connect sends nothing: it only picks the route, and so the source address.
        using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(target, port);
        return ((IPEndPoint)socket.LocalEndPoint!).Address.ToString();
    }

    private static (string Host, int Port) Split(string join)
    {
        var colon = join.LastIndexOf(':');
        return (join[..colon], int.Parse(join[(colon + 1)..], CultureInfo.InvariantCulture));
    }
}
